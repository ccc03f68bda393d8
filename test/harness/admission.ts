/**
 * The API server's ValidatingAdmissionPolicy plugin, over the synthesized policies and bindings,
 * with the real CEL engine (check/cel.ts). For each binding it does what the API server does:
 *   - the policy's matchConstraints and the binding's matchResources: resourceRules (groups,
 *     versions, operations, resources and subresources, resourceNames), excludeResourceRules,
 *     namespaceSelector (the labels of the object's namespace), objectSelector (old or new object);
 *   - paramRef: the named parameter object, from the object's namespace when paramRef has none;
 *     parameterNotFoundAction when it is missing;
 *   - matchConditions, then variables (in order, each may use the ones before), then validations
 *     (message, messageExpression), failurePolicy on evaluation errors;
 *   - validationActions: Deny refuses, Warn and Audit only report.
 * Not modelled: the `authorizer` variable, CEL cost limits, static type checking (see check/cel.ts).
 */
import { compileCel, fromCel } from '../../check/cel';
import { ofKind, PlacedObject } from './platform';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface UserInfo {
  readonly username: string;
  readonly groups: string[];
}

/** One request as the API server sees it after authorization. */
export interface AdmissionRequest {
  readonly operation: Operation;
  /** The new object (CREATE, UPDATE); for DELETE absent. */
  readonly object?: any;
  /** The stored object (UPDATE, DELETE). */
  readonly oldObject?: any;
  /** Plural resource, e.g. `pods`; `pods/ephemeralcontainers` for a subresource. */
  readonly resource: string;
  readonly userInfo: UserInfo;
}

export interface AdmissionDecision {
  readonly allowed: boolean;
  /** Refusal messages, `<policy>: <message>`. */
  readonly messages: string[];
  readonly warnings: string[];
}

type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

const glob = (list: string[] | undefined, value: string) => (list ?? []).includes('*') || (list ?? []).includes(value);

/** Does a resource rule cover `resource` (with subresource) of this group/version and operation? */
function ruleMatches(rule: any, group: string, version: string, resource: string, operation: Operation, name: string | undefined): boolean {
  if (!glob(rule.apiGroups, group) || !glob(rule.apiVersions, version) || !glob(rule.operations, operation)) return false;
  if (rule.resourceNames?.length && (!name || !rule.resourceNames.includes(name))) return false;
  const [base, sub] = resource.split('/');
  return (rule.resources ?? []).some((r: string) => {
    if (r === '*') return !sub;
    if (r === '*/*') return true;
    const [rBase, rSub] = r.split('/');
    if (rSub === undefined) return rBase === base && !sub;
    return (rBase === '*' || rBase === base) && (rSub === '*' || rSub === sub);
  });
}

export class AdmissionSimulator {
  private readonly policies: Map<string, any>;
  private readonly bindings: any[];
  private readonly namespaces: Map<string, Record<string, string>>;
  private readonly compiled = new Map<string, ReturnType<typeof compileCel>>();

  /** `cluster`: the objects in the cluster (policies, bindings, namespaces and parameters), e.g. a synthesized environment. */
  constructor(private readonly cluster: PlacedObject[]) {
    this.policies = new Map(ofKind(cluster, 'ValidatingAdmissionPolicy').map((p) => [p.metadata.name, p]));
    this.bindings = ofKind(cluster, 'ValidatingAdmissionPolicyBinding');
    this.namespaces = new Map(ofKind(cluster, 'Namespace').map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  }

  /** The labels of a namespace, with the one the API server always sets. Namespaces Argo CD creates carry only that one here. */
  namespaceLabels(name: string): Record<string, string> {
    return { ...(this.namespaces.get(name) ?? {}), 'kubernetes.io/metadata.name': name };
  }

  private program(expr: string) {
    let p = this.compiled.get(expr);
    if (!p) this.compiled.set(expr, p = compileCel(expr));
    return p;
  }

  private findParam(kind: { apiVersion: string; kind: string }, name: string, namespace: string | undefined): any {
    return this.cluster.map((o) => o.obj).find((o) => o.apiVersion === kind.apiVersion && o.kind === kind.kind
      && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  }

  private matches(criteria: any, req: AdmissionRequest, gv: { group: string; version: string }, forBinding: boolean): boolean {
    if (!criteria) return true;
    const obj = req.object ?? req.oldObject;
    const namespace: string | undefined = obj.metadata.namespace;
    if (namespace !== undefined && !selectorMatches(criteria.namespaceSelector, this.namespaceLabels(namespace))) return false;
    if (criteria.objectSelector) {
      const labelsOf = (o: any) => o?.metadata?.labels ?? {};
      const either = [req.object, req.oldObject].filter(Boolean).some((o) => selectorMatches(criteria.objectSelector, labelsOf(o)));
      if (!either) return false;
    }
    const name = obj.metadata.name;
    if ((criteria.excludeResourceRules ?? []).some((r: any) => ruleMatches(r, gv.group, gv.version, req.resource, req.operation, name))) return false;
    const rules = criteria.resourceRules ?? [];
    if (forBinding && rules.length === 0) return true;
    return rules.some((r: any) => ruleMatches(r, gv.group, gv.version, req.resource, req.operation, name));
  }

  admit(req: AdmissionRequest): AdmissionDecision {
    const obj = req.object ?? req.oldObject;
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    const gv = { group, version };
    const namespace: string | undefined = obj.metadata.namespace;
    const messages: string[] = [];
    const warnings: string[] = [];

    for (const binding of this.bindings) {
      const policy = this.policies.get(binding.spec.policyName);
      if (!policy) continue;
      if (!this.matches(policy.spec.matchConstraints, req, gv, false)) continue;
      if (!this.matches(binding.spec.matchResources, req, gv, true)) continue;

      const actions: string[] = binding.spec.validationActions;
      const refuse = (message: string) => {
        const line = `${policy.metadata.name}: ${message}`;
        if (actions.includes('Deny')) messages.push(line);
        if (actions.includes('Warn')) warnings.push(line);
      };
      const failClosed = (policy.spec.failurePolicy ?? 'Fail') === 'Fail';

      let params: any = null;
      if (policy.spec.paramKind) {
        const ref = binding.spec.paramRef;
        params = ref ? this.findParam(policy.spec.paramKind, ref.name, ref.namespace ?? namespace) : undefined;
        if (!params) {
          if ((ref?.parameterNotFoundAction ?? 'Deny') === 'Deny') refuse(`no params found for policy binding with Deny parameterNotFoundAction`);
          continue;
        }
      }

      const request = {
        operation: req.operation,
        namespace: namespace ?? '',
        name: obj.metadata.name,
        userInfo: { username: req.userInfo.username, groups: req.userInfo.groups },
        kind: { group, version, kind: obj.kind },
        resource: { group, version, resource: req.resource.split('/')[0] },
        subResource: req.resource.split('/')[1] ?? '',
        dryRun: false,
      };
      const variables = new Map<string, unknown>();
      const failed = new Map<string, string>();
      const vars = () => ({
        object: req.object ?? null, oldObject: req.oldObject ?? null, request, params,
        namespaceObject: namespace ? { metadata: { name: namespace, labels: this.namespaceLabels(namespace) } } : null,
        variables,
      });
      const evaluate = (expr: string): { value?: unknown; error?: string } => {
        const used = [...failed.keys()].find((v) => new RegExp(`variables\\.${v}\\b`).test(expr));
        if (used) return { error: failed.get(used) };
        try {
          return { value: this.program(expr)(vars()) };
        } catch (e) {
          return { error: (e as Error).message };
        }
      };

      let conditionsHold = true;
      for (const condition of policy.spec.matchConditions ?? []) {
        const r = evaluate(condition.expression);
        if (r.error !== undefined) {
          if (failClosed) refuse(`matchCondition ${condition.name}: ${r.error}`);
          conditionsHold = false;
          break;
        }
        if (r.value !== true) { conditionsHold = false; break; }
      }
      if (!conditionsHold) continue;

      for (const v of policy.spec.variables ?? []) {
        const r = evaluate(v.expression);
        if (r.error !== undefined) failed.set(v.name, r.error);
        else variables.set(v.name, r.value);
      }

      for (const validation of policy.spec.validations ?? []) {
        const r = evaluate(validation.expression);
        if (r.error !== undefined) {
          if (failClosed) refuse(`expression '${validation.expression}' resulted in error: ${r.error}`);
          continue;
        }
        if (r.value === true) continue;
        let message: string = validation.message ?? `failed expression: ${validation.expression}`;
        if (validation.messageExpression) {
          const m = evaluate(validation.messageExpression);
          if (m.error === undefined && typeof fromCel(m.value) === 'string' && (fromCel(m.value) as string).trim() !== '') message = fromCel(m.value) as string;
        }
        refuse(message);
      }
    }
    return { allowed: messages.length === 0, messages, warnings };
  }
}
