/** Why a file could not be read as a plan, in words for the person who chose it. */
export class PlanImportError extends Error {
  override name = 'PlanImportError';
}
