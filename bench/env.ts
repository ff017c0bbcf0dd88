// Imported first by the benchmark entry: mem0ai reads this when its module loads. Always off
// (mem0 counts an empty value as on): a benchmark runs against the stand-ins, nothing else.
process.env.MEM0_TELEMETRY = 'false';
