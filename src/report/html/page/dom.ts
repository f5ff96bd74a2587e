/** Small typed look-ups the page modules share. */

/** The element with this id when it is of the expected type (the report's own markup), else null. */
export function byId<T extends Element>(id: string, type: abstract new () => T): T | null {
  const el = document.getElementById(id);
  return el instanceof type ? el : null;
}
