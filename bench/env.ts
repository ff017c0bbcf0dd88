// Imported first by the benchmark entry: mem0ai reads this when its module loads.
process.env.MEM0_TELEMETRY ??= 'false';
