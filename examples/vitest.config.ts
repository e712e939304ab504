import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

// The examples run real models end to end; each test is one whole program.
export default mergeConfig(shared, defineProject({ test: { name: 'examples', testTimeout: 120_000 } }));
