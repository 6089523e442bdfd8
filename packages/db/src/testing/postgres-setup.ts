// vitest globalSetup of the "postgresql" projects: PostgreSQL must be reachable. Under CI=true an
// unreachable server fails the run; elsewhere the PostgreSQL tests are skipped with a loud warning.
import type { TestProject } from 'vitest/node';
import { postgresAdminUrl, postgresReachable } from './database.ts';
import './provided-context.ts';

export default async function setup(project: TestProject) {
  const url = postgresAdminUrl().replace(/:[^:@/]*@/, ':***@');
  const problem = await postgresReachable();
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (problem && ci) {
    throw new Error(`PostgreSQL at ${url} is unreachable (${problem}); with CI=${process.env.CI} it is mandatory`);
  }
  if (problem) {
    console.warn(
      `\n!! PostgreSQL at ${url} is unreachable (${problem}): SKIPPING the PostgreSQL suite (CI is not set)\n`,
    );
  } else {
    console.log(`PostgreSQL suite: server ${url} reachable (CI=${process.env.CI ?? 'unset'})`);
  }
  project.provide('postgresUnavailable', problem);
}
