// vitest globalSetup of the "replica" projects: the replica tests build their own primary and streaming
// replica (replica.ts), which needs the PostgreSQL server binaries. Under CI=true their absence fails the
// run; elsewhere the replica suite is skipped with a loud warning, and the workers learn why.
import type { TestProject } from 'vitest/node';
import { replicaToolkit } from './replica.ts';
import './provided-context.ts';

export default (project: TestProject) => {
  const toolkit = replicaToolkit();
  const problem = typeof toolkit === 'string' ? toolkit : null;
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (problem && ci) {
    throw new Error(
      `cannot build a PostgreSQL streaming replica: ${problem}; with CI=${process.env.CI} it is mandatory`,
    );
  }
  if (problem) {
    console.warn(
      `\n!! cannot build a PostgreSQL streaming replica (${problem}): SKIPPING the replica suite (CI is not set)\n`,
    );
  } else if (typeof toolkit !== 'string') {
    console.log(`replica suite: PostgreSQL binaries in ${toolkit.bindir} (CI=${process.env.CI ?? 'unset'})`);
  }
  project.provide('replicaUnavailable', problem);
};
