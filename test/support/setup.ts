/** Runs before every test file (vitest --setupFiles): tests and the programs they start read TEST_KNOWLEDGE. */
import { TEST_KNOWLEDGE } from './knowledge.js';

process.env.KNOWLEDGE_DIR = TEST_KNOWLEDGE;
