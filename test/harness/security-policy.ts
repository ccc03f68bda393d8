/**
 * Envoy Gateway's SecurityPolicy authorization (v1.9.0, api/v1alpha1/authorization_types.go): the
 * rules in order, the first whose principal and operation both match decides; none matching, the
 * defaultAction. A JWT claim of valueType StringArray matches when any of the token's values is
 * listed, and every claim of a principal must match; a rule without `operation` matches every
 * method. Principals by client address or header are not modelled: a rule that uses them makes
 * the model throw rather than guess.
 */
export type Claims = Record<string, string | string[]>;

function claimMatches(claim: any, claims: Claims): boolean {
  const value = claims[claim.name];
  if (value === undefined) return false;
  const values: string[] = Array.isArray(value) ? value : [value];
  return values.some((v) => (claim.values ?? []).includes(v));
}

export function authorizationDecision(policy: any, claims: Claims, method: string): 'Allow' | 'Deny' {
  const authz = policy.spec.authorization;
  if (!authz) return 'Allow';
  for (const rule of authz.rules ?? []) {
    const principal = rule.principal ?? {};
    const unmodelled = [...Object.keys(principal).filter((k) => k !== 'jwt'), ...(principal.jwt?.scopes ? ['jwt.scopes'] : [])];
    if (unmodelled.length > 0) throw new Error(`rule ${rule.name}: principal ${unmodelled.join(', ')} is not modelled`);
    const jwtOk = !principal.jwt || (principal.jwt.claims ?? []).every((c: any) => claimMatches(c, claims));
    const methodOk = !rule.operation?.methods || rule.operation.methods.includes(method);
    if (jwtOk && methodOk) return rule.action;
  }
  return authz.defaultAction ?? 'Deny';
}
