/** Runs in every test file: whatever temporary directories the file made are removed after it. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/temp.js';

afterAll(() => removeTempDirs());
