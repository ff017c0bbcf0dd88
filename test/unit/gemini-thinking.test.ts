import { describe, expect, it } from 'vitest';
import { thinkingLevels } from '../../src/llm/chat-model.js';
import { geminiThinkingConfig } from '../../src/llm/gemini.js';

describe('geminiThinkingConfig', () => {
  it.each([
    ['low', 'LOW'],
    ['medium', 'MEDIUM'],
    ['high', 'HIGH'],
  ] as const)('sends %s to a Gemini 3 model as thinkingLevel %s', (level, wire) => {
    expect(geminiThinkingConfig('gemini-3.8-flash', level)).toEqual({ thinkingLevel: wire });
  });

  it.each([
    'gemini-3.5-flash',
    'gemini-3.6-flash',
    'gemini-3.1-flash-lite',
    'gemini-3.5-flash-lite',
    'gemini-3-flash-preview',
  ])('keeps minimal for %s, which accepts MINIMAL', (model) => {
    expect(geminiThinkingConfig(model, 'minimal')).toEqual({ thinkingLevel: 'MINIMAL' });
  });

  it.each(['gemini-3.8-flash', 'gemini-3.7-flash', 'gemini-3.1-pro-preview', 'gemini-4-argon'])(
    'raises minimal to LOW for %s, which answers MINIMAL with 400',
    (model) => {
      expect(geminiThinkingConfig(model, 'minimal')).toEqual({ thinkingLevel: 'LOW' });
    },
  );

  it('gives a model it cannot place a thinkingLevel, never below LOW', () => {
    expect(geminiThinkingConfig('gemini-flash-latest', 'high')).toEqual({ thinkingLevel: 'HIGH' });
    expect(geminiThinkingConfig('some-future-model', 'minimal')).toEqual({ thinkingLevel: 'LOW' });
  });

  it.each([
    ['minimal', 0],
    ['low', 1_024],
    ['medium', 8_192],
    ['high', 24_576],
  ] as const)('sends %s to Gemini 2.5 Flash as a budget of %i tokens', (level, budget) => {
    expect(geminiThinkingConfig('gemini-2.5-flash', level)).toEqual({ thinkingBudget: budget });
    expect(geminiThinkingConfig('gemini-2.5-flash-lite', level)).toEqual({
      thinkingBudget: budget,
    });
  });

  it('keeps Gemini 2.5 Pro thinking, at its least budget of 128, for minimal', () => {
    expect(geminiThinkingConfig('gemini-2.5-pro', 'minimal')).toEqual({ thinkingBudget: 128 });
    expect(geminiThinkingConfig('gemini-2.5-pro', 'low')).toEqual({ thinkingBudget: 1_024 });
  });

  it('reads a model id given as a resource name', () => {
    expect(geminiThinkingConfig('models/gemini-2.5-flash', 'low')).toEqual({
      thinkingBudget: 1_024,
    });
  });

  it('never sends both a level and a budget', () => {
    for (const model of ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-3.8-flash', 'x']) {
      for (const level of thinkingLevels) {
        expect(Object.keys(geminiThinkingConfig(model, level) ?? {})).toHaveLength(1);
      }
    }
  });

  it('sends no thinking config to a model from before thinking, which would refuse it', () => {
    for (const model of ['gemini-2.0-flash', 'gemini-2.0-flash-lite', 'gemini-1.5-pro']) {
      for (const level of thinkingLevels)
        expect(geminiThinkingConfig(model, level)).toBeUndefined();
    }
  });
});
