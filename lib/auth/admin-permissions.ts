// Who may use /admin. Genesys lists a user's permissions as
// "domain:entity:action" strings (users/me?expand=authorization); admin roles
// often hold wildcards ("integrations:*:*", "*"), which count as holding every
// permission they cover.

/** The permission an admin needs for every /admin page (settings, dashboard, uninstall). */
export const adminPermission = "integrations:integration:edit";

export function holdsPermission(granted: readonly string[], required: string): boolean {
  const want = required.split(":");
  return granted.some((permission) => {
    if (permission === "*" || permission === "*:*:*") return true;
    const have = permission.split(":");
    return have.length === want.length && have.every((part, i) => part === "*" || part === want[i]);
  });
}

export function missingPermissions(granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((p) => !holdsPermission(granted, p));
}
