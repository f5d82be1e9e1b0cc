// Tests that need a system tool (Apache, OpenSSL, …) skip with the reason on a developer's machine that lacks
// it, but under CI=true a missing tool fails the run: a skip there would hide a broken install step.
export function skipForMissingTool(missing: string | undefined): boolean {
  if (missing === undefined) return false;
  if (process.env.CI === 'true') {
    throw new Error(`${missing}; CI must have it (scripts/ci/system-packages.sh installs it)`);
  }
  console.warn(`skipped: ${missing}`);
  return true;
}
