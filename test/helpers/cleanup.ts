import { removeTestOutdirs } from './synth';

// Every test file removes the synth output it wrote.
afterAll(() => removeTestOutdirs());
