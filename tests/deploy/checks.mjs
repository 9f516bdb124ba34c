// Offline checks of ptrd's deployment material, called by check_deploy.sh:
//   node checks.mjs manifests [--base] RENDERED.yaml   schema + policy of one kustomize render
//                                   (--base: the remote base alone: no data, no CRD objects)
//   node checks.mjs extract RENDERED.yaml OUTDIR   write the ConfigMaps' files under OUTDIR/<mountPath>/
//   node checks.mjs rules RULES.yaml RENDERED.yaml...   PrometheusRule spec == plain rules file; rule hygiene
//   node checks.mjs dashboard DASHBOARD.json [CONTRACT.md]
//   node checks.mjs workflow-steps WORKFLOW.yaml JOB...   one JSON line per run step: {job,name,if,env,run}
//   node checks.mjs nameprefix RENDERED.yaml OUTDIR  promtool rules + test for a namePrefix render
//   node checks.mjs gitops REPO_DIR                 the GitOps example's layout: clusters, deploy, configs
// Each prints one line per failed assertion and exits 1 if any failed.
// Schemas: the npm packages kubernetes-models and @kubernetes-models/prometheus-operator,
// pinned in package-lock.json (precompiled validators: no network). They check types,
// required fields and formats; they do NOT reject unknown fields, so the policy
// assertions below pin every field this deployment depends on.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import YAML from 'yaml';

const require = createRequire(import.meta.url);

// Contract section 5 (the metric names users alert on).
export const CONTRACT_METRICS = [
  'ptrd_records', 'ptrd_fcrdns_mismatch', 'ptrd_reconcile_total', 'ptrd_reconcile_duration_seconds',
  'ptrd_last_successful_reconcile_timestamp_seconds', 'ptrd_changes_total', 'ptrd_provider_requests_total',
  'ptrd_dns_queries_total', 'ptrd_config_last_reload_successful', 'ptrd_build_info',
];
// Exported beyond the contract (README "Metrics"); dashboards and rules may use them.
export const EXTRA_METRICS = [
  'ptrd_source_records', 'ptrd_last_reconcile_attempt_timestamp_seconds', 'ptrd_provider_request_duration_seconds',
  'ptrd_provider_pending_jobs',
];
const HISTOGRAMS = ['ptrd_reconcile_duration_seconds', 'ptrd_provider_request_duration_seconds'];
const STATES = ['in_sync', 'set', 'reset', 'blocked_forward', 'not_owned', 'invalid', 'lookup_error', 'propagating'];
// The keys reconciler/config/config.cpp accepts (it rejects unknown ones at load time too).
const CONFIG_SPEC_KEYS = ['mappings', 'provider', 'resolvers', 'policy', 'requireForwardMatch', 'maxChangePercent',
  'maxChanges', 'interval', 'listen'];
const PROVIDER_KEYS = ['type', 'url', 'apiKeyFile', 'tokenFile', 'batchSize', 'defaultTemplate', 'caFile',
  'requestTimeout', 'jobTimeout', 'stateFile', 'ttl'];
const EXPECTED_ARGS = ['run', '-c', '/etc/ptrd/config/ptrd.yaml', '--log-format', 'json'];
const METRICS_PORT = 9153;

const failures = [];
const fail = (msg) => failures.push(msg);
const expect = (cond, msg) => { if (!cond) fail(msg); return !!cond; };
function finish() {
  for (const f of failures) console.log(`  FAIL ${f}`);
  process.exit(failures.length ? 1 : 0);
}

function loadDocs(file) {
  const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8'));
  const out = [];
  for (const d of docs) {
    if (d.errors.length) { fail(`${file}: YAML error: ${d.errors[0].message}`); continue; }
    const js = d.toJS();
    if (js !== null && js !== undefined) out.push(js);
  }
  return out;
}

function modelFor(apiVersion, kind) {
  let mod;
  if (apiVersion === 'v1') mod = 'kubernetes-models/v1';
  else if (apiVersion.startsWith('monitoring.coreos.com/')) mod = `@kubernetes-models/prometheus-operator/${apiVersion}`;
  else mod = `kubernetes-models/${apiVersion}`;
  try { return require(mod)[kind]; } catch { return undefined; }
}

const id = (o) => `${o.kind}/${o.metadata?.name}`;

// ---------------------------------------------------------------------------
function checkManifests(file, { base = false } = {}) {
  const objs = loadDocs(file);
  expect(objs.length > 0, `${file}: no objects rendered`);
  for (const o of objs) {
    const Model = modelFor(o.apiVersion, o.kind);
    if (!expect(Model, `${id(o)}: no pinned schema for ${o.apiVersion} ${o.kind}`)) continue;
    try { new Model(o).validate(); } catch (e) { fail(`${id(o)}: schema: ${e.message}`); }
  }
  const byKind = (k) => objs.filter((o) => o.kind === k);

  for (const k of ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'])
    expect(byKind(k).length === 0, `RBAC object ${k} rendered: ptrd needs no Kubernetes API access`);
  const namespaced = objs.filter((o) => o.kind !== 'Namespace');
  const nss = new Set(namespaced.map((o) => o.metadata?.namespace));
  expect(nss.size === 1 && !nss.has(undefined), `objects not all in one namespace: ${[...nss].join(', ')}`);
  const nsObj = byKind('Namespace')[0];
  if (nsObj) expect(nss.has(nsObj.metadata.name), `Namespace ${nsObj.metadata.name} is not the objects' namespace`);

  const deps = byKind('Deployment');
  if (!expect(deps.length === 1, `expected exactly one Deployment, got ${deps.length}`)) return;
  const dep = deps[0], pod = dep.spec.template.spec;
  expect(dep.spec.replicas === 1, 'Deployment replicas must be 1 (one writer per provider account)');
  expect(dep.spec.strategy?.type === 'Recreate', 'Deployment strategy must be Recreate');
  expect(pod.automountServiceAccountToken === false, 'pod automountServiceAccountToken must be false');
  expect(pod.securityContext?.runAsNonRoot === true, 'pod securityContext.runAsNonRoot must be true');
  expect(pod.securityContext?.seccompProfile?.type === 'RuntimeDefault', 'pod seccompProfile must be RuntimeDefault');
  const sa = byKind('ServiceAccount').find((s) => s.metadata.name === pod.serviceAccountName);
  if (expect(sa, `serviceAccountName ${pod.serviceAccountName} not rendered`))
    expect(sa.automountServiceAccountToken === false, 'ServiceAccount automountServiceAccountToken must be false');

  expect(pod.containers.length === 1, 'one container expected');
  const c = pod.containers[0];
  const sc = c.securityContext || {};
  expect(sc.readOnlyRootFilesystem === true, 'container readOnlyRootFilesystem must be true');
  expect(sc.allowPrivilegeEscalation === false, 'container allowPrivilegeEscalation must be false');
  expect(sc.runAsNonRoot === true || pod.securityContext?.runAsNonRoot === true, 'runAsNonRoot must be true');
  expect((sc.capabilities?.drop || []).includes('ALL'), 'container capabilities must drop ALL');
  expect(!(sc.capabilities?.add || []).length, 'container must add no capabilities');
  expect(sc.seccompProfile?.type === 'RuntimeDefault', 'container seccompProfile must be RuntimeDefault');
  for (const kind of ['requests', 'limits'])
    for (const r of ['cpu', 'memory'])
      expect(c.resources?.[kind]?.[r] !== undefined, `container resources.${kind}.${r} missing`);
  expect(isDeepStrictEqual(c.args, EXPECTED_ARGS), `container args must be ${JSON.stringify(EXPECTED_ARGS)}, got ${JSON.stringify(c.args)}`);
  expect(!c.command, 'container must not override the image ENTRYPOINT (command)');
  const port = (c.ports || []).find((p) => p.name === 'metrics');
  expect(port?.containerPort === METRICS_PORT, `container port "metrics" must be ${METRICS_PORT}`);
  const probe = (p, pathWanted, name) => {
    if (!expect(p?.httpGet, `${name} must be an httpGet probe`)) return;
    expect(p.httpGet.path === pathWanted, `${name} path must be ${pathWanted}`);
    expect(p.httpGet.port === 'metrics' || p.httpGet.port === METRICS_PORT, `${name} must use the metrics port`);
  };
  probe(c.livenessProbe, '/healthz', 'livenessProbe');
  probe(c.readinessProbe, '/readyz', 'readinessProbe');
  // Secrets as files only: no env var may come from a Secret.
  for (const e of c.env || []) expect(!e.valueFrom?.secretKeyRef, `env ${e.name} reads a Secret: mount it as a file instead`);
  for (const e of c.envFrom || []) expect(!e.secretRef, 'envFrom secretRef: mount the Secret as a file instead');

  const vols = Object.fromEntries((pod.volumes || []).map((v) => [v.name, v]));
  const mounts = c.volumeMounts || [];
  const mountOf = (pred) => mounts.find((m) => vols[m.name] && pred(vols[m.name], m));
  for (const m of mounts) expect(vols[m.name], `volumeMount ${m.name} has no volume`);
  for (const m of mounts) expect(!m.subPath, `volumeMount ${m.name} uses subPath: ConfigMap/Secret updates would never arrive`);
  const secretMount = mountOf((v) => v.secret);
  expect(secretMount?.mountPath === '/etc/ptrd/secrets' && secretMount.readOnly === true,
    'the provider Secret must be mounted read-only at /etc/ptrd/secrets');
  const stateMount = mountOf((v, m) => v.emptyDir && m.mountPath === '/var/lib/ptrd');
  expect(stateMount, 'an emptyDir must be mounted at /var/lib/ptrd (state file)');
  const cms = Object.fromEntries(byKind('ConfigMap').map((cm) => [cm.metadata.name, cm]));
  const cmVolumes = Object.values(vols).filter((v) => v.configMap).map((v) => v.configMap.name).sort();
  expect(isDeepStrictEqual(cmVolumes, ['ptrd-config', 'ptrd-mappings']),
    `the pod must mount exactly the ConfigMaps ptrd-config and ptrd-mappings, got ${cmVolumes.join(', ')}`);
  if (base) {
    // A remote base others build on: their overlay brings config and mappings,
    // and opts into the Prometheus-operator CRDs (a cluster without them would
    // refuse the whole apply).
    for (const k of ['ConfigMap', 'Secret', 'ServiceMonitor', 'PrometheusRule', 'NetworkPolicy'])
      expect(byKind(k).length === 0, `the base renders a ${k}: it must hold no example data and no opt-in objects`);
    const text = readFileSync(file, 'utf8');
    expect(!/example\.(com|net)|svc\.cluster\.local|\b\d{1,3}(\.\d{1,3}){3}\b/.test(text.replace(/registry\.example\.com/g, '')),
      'the base names a URL, domain or address: no lab or example data in the base');
    return;
  }
  for (const v of Object.values(vols))
    if (v.configMap) expect(cms[v.configMap.name], `volume ${v.name} references ConfigMap ${v.configMap.name}, not rendered`);
  const cfgMount = mounts.find((m) => m.mountPath === '/etc/ptrd/config');
  const cfgVol = cfgMount && vols[cfgMount.name];
  const cfgText = cfgVol?.configMap && cms[cfgVol.configMap.name]?.data?.['ptrd.yaml'];
  if (expect(cfgText, 'a ConfigMap with key ptrd.yaml must be mounted at /etc/ptrd/config')) {
    checkConfig(YAML.parse(cfgText), mounts, vols);
  }

  // Service and ServiceMonitor reach the pod's metrics port.
  const labels = dep.spec.template.metadata.labels || {};
  const matches = (sel, lab) => Object.entries(sel || {}).every(([k, v]) => lab?.[k] === v) && Object.keys(sel || {}).length > 0;
  expect(matches(dep.spec.selector.matchLabels, labels), 'Deployment selector does not match its pod labels');
  const svc = byKind('Service').find((s) => matches(s.spec.selector, labels));
  if (expect(svc, 'no Service selects the ptrd pod')) {
    const sp = svc.spec.ports.find((p) => p.name === 'metrics');
    expect(sp && (sp.targetPort === 'metrics' || sp.targetPort === METRICS_PORT), 'Service needs a port "metrics" targeting the metrics port');
    const sm = byKind('ServiceMonitor')[0];
    if (expect(sm, 'no ServiceMonitor rendered')) {
      expect(matches(sm.spec.selector.matchLabels, svc.metadata.labels), 'ServiceMonitor selector does not match the Service labels');
      expect(sm.spec.endpoints.some((e) => e.port === 'metrics'), 'ServiceMonitor must scrape port "metrics"');
      // The alert rules select up{job="ptrd"}: the job Prometheus gives the target.
      const job = scrapeJob(sm, svc);
      expect(job === 'ptrd', `the scrape job label would be "${job}", the alerts select job="ptrd"`);
    }
  }
  expect(byKind('PrometheusRule').length === 1, 'exactly one PrometheusRule expected');
  for (const np of byKind('NetworkPolicy')) checkNetworkPolicy(np, labels);
}

// The job label the Prometheus operator gives a ServiceMonitor's targets: the
// value of the Service label named by spec.jobLabel, else the Service's name.
export function scrapeJob(sm, svc) {
  const fromLabel = sm.spec?.jobLabel && svc.metadata?.labels?.[sm.spec.jobLabel];
  return fromLabel || svc.metadata.name;
}

// Only Prometheus reaches the metrics port: one ingress rule, one peer that
// needs BOTH a namespace and a pod selector, the metrics port only.
export function checkNetworkPolicy(np, podLabels) {
  const n = id(np);
  const sel = np.spec?.podSelector?.matchLabels || {};
  expect(Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => podLabels[k] === v),
    `${n}: podSelector must select the ptrd pod`);
  expect(isDeepStrictEqual(np.spec?.policyTypes, ['Ingress']), `${n}: policyTypes must be ["Ingress"]`);
  const rules = np.spec?.ingress || [];
  if (!expect(rules.length === 1, `${n}: exactly one ingress rule expected`)) return;
  const from = rules[0].from || [];
  expect(from.length === 1 && from[0].namespaceSelector && from[0].podSelector,
    `${n}: one peer with namespaceSelector AND podSelector (Prometheus pods only)`);
  expect(isDeepStrictEqual((rules[0].ports || []).map((p) => p.port), ['metrics']), `${n}: only port "metrics" may be open`);
}

function checkConfig(cfg, mounts, vols) {
  expect(cfg?.apiVersion === 'ptrd.io/v1alpha1' && cfg?.kind === 'ReconcilerConfig', 'ptrd.yaml must be a ptrd.io/v1alpha1 ReconcilerConfig');
  const spec = cfg?.spec || {};
  for (const k of Object.keys(spec)) expect(CONFIG_SPEC_KEYS.includes(k), `ptrd.yaml: unknown spec key ${k}`);
  for (const k of Object.keys(spec.provider || {})) expect(PROVIDER_KEYS.includes(k), `ptrd.yaml: unknown provider key ${k}`);
  expect(spec.listen === `0.0.0.0:${METRICS_PORT}`, `ptrd.yaml listen must be "0.0.0.0:${METRICS_PORT}" in the pod, got ${spec.listen}`);
  const mountFor = (p) => mounts.find((m) => p.startsWith(m.mountPath.replace(/\/?$/, '/')));
  for (const p of spec.mappings || []) {
    const m = mountFor(p);
    expect(m && vols[m.name]?.configMap, `ptrd.yaml mappings path ${p} is not on a ConfigMap mount`);
  }
  const prov = spec.provider || {};
  const secretKey = prov.type === 'noc' ? 'tokenFile' : 'apiKeyFile';
  expect(typeof prov[secretKey] === 'string' && prov[secretKey].startsWith('/etc/ptrd/secrets/'),
    `ptrd.yaml provider.${secretKey} must be a file under /etc/ptrd/secrets/`);
  if (prov.stateFile) expect(prov.stateFile.startsWith('/var/lib/ptrd/'), 'provider.stateFile must be under /var/lib/ptrd/ (the emptyDir)');
}

// The base plus one component: exactly the component's objects are added.
function checkComponent(name, file) {
  const objs = loadDocs(file);
  for (const o of objs) {
    const Model = modelFor(o.apiVersion, o.kind);
    if (!expect(Model, `${id(o)}: no pinned schema for ${o.apiVersion} ${o.kind}`)) continue;
    try { new Model(o).validate(); } catch (e) { fail(`${id(o)}: schema: ${e.message}`); }
  }
  const extra = objs.filter((o) => !['Namespace', 'ServiceAccount', 'Deployment', 'Service'].includes(o.kind))
    .map((o) => o.kind).sort();
  const want = { monitoring: ['ConfigMap', 'PrometheusRule', 'ServiceMonitor'], networkpolicy: ['NetworkPolicy'] }[name];
  if (!expect(want, `unknown component ${name}`)) return;
  expect(isDeepStrictEqual(extra, want), `component ${name} adds ${extra.join(', ')}, expected ${want.join(', ')}`);
  const dep = objs.find((o) => o.kind === 'Deployment');
  for (const np of objs.filter((o) => o.kind === 'NetworkPolicy')) checkNetworkPolicy(np, dep.spec.template.metadata.labels);
  for (const cm of objs.filter((o) => o.kind === 'ConfigMap')) {
    expect(cm.metadata.labels?.grafana_dashboard === '1', `${id(cm)}: needs label grafana_dashboard: "1" (Grafana's sidecar)`);
    const want = JSON.parse(readFileSync(new URL('../../monitoring/dashboards/ptrd.json', import.meta.url), 'utf8'));
    let got;
    try { got = JSON.parse(cm.data?.['ptrd.json'] ?? ''); } catch (e) { fail(`${id(cm)}: ptrd.json is not JSON: ${e.message}`); }
    if (got) expect(isDeepStrictEqual(got, want), `${id(cm)}: ptrd.json differs from monitoring/dashboards/ptrd.json (run monitoring/gen-dashboard-configmap.sh)`);
  }
}

// ---------------------------------------------------------------------------
function extract(file, outDir) {
  const objs = loadDocs(file);
  const dep = objs.find((o) => o.kind === 'Deployment');
  const pod = dep.spec.template.spec;
  const vols = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
  for (const m of pod.containers[0].volumeMounts) {
    const v = vols[m.name];
    if (!v?.configMap) continue;
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === v.configMap.name);
    const dir = path.join(outDir, m.mountPath);
    mkdirSync(dir, { recursive: true });
    for (const [k, val] of Object.entries(cm.data || {})) writeFileSync(path.join(dir, k), val);
  }
}

// ---------------------------------------------------------------------------
const metricTokens = (expr) => [...expr.matchAll(/\bptrd_[a-z0-9_]+\b/g)].map((m) => m[0]);
function knownMetric(tok) {
  if (CONTRACT_METRICS.includes(tok) || EXTRA_METRICS.includes(tok)) return true;
  return HISTOGRAMS.some((h) => ['_bucket', '_sum', '_count'].some((s) => tok === h + s));
}

function checkRules(rulesFile, rendered) {
  const plain = YAML.parse(readFileSync(rulesFile, 'utf8'));
  expect(Array.isArray(plain?.groups) && plain.groups.length > 0, `${rulesFile}: no groups`);
  for (const file of rendered) {
    const prs = loadDocs(file).filter((o) => o.kind === 'PrometheusRule');
    if (!expect(prs.length === 1, `${file}: expected one PrometheusRule`)) continue;
    expect(isDeepStrictEqual(prs[0].spec, { groups: plain.groups }),
      `${file}: PrometheusRule spec differs from ${rulesFile} (run monitoring/gen-prometheusrule.sh)`);
  }
  const ipLike = /\b\d{1,3}(\.\d{1,3}){3}\b|[0-9a-f]{1,4}::?[0-9a-f]{0,4}:/i;
  for (const g of plain.groups || []) {
    for (const r of g.rules || []) {
      const name = r.alert || r.record;
      for (const t of metricTokens(r.expr)) expect(knownMetric(t), `${name}: metric ${t} is not in the contract`);
      if (!r.alert) continue;
      expect(r.labels?.severity, `${name}: no severity label`);
      for (const [k, v] of Object.entries(r.labels || {})) expect(!ipLike.test(String(v)), `${name}: label ${k} looks like an IP`);
      expect(!/by \([^)]*\binstance\b/.test(r.expr), `${name}: aggregates by instance (pod IP) -- alert labels must not carry IPs`);
      expect(r.annotations?.summary, `${name}: no summary`);
      expect(/ptrd (check|plan|validate)|kubectl/.test(r.annotations?.description || ''),
        `${name}: description must tell the on-call person what to run (ptrd check/plan/validate or kubectl)`);
      checkRunbook(name, r.annotations?.runbook_url, rulesFile);
    }
  }
  for (const m of ['ptrd_fcrdns_mismatch', 'ptrd_records', 'ptrd_reconcile_total', 'ptrd_last_successful_reconcile_timestamp_seconds',
    'ptrd_config_last_reload_successful', 'ptrd_provider_requests_total', 'ptrd_dns_queries_total', 'ptrd_changes_total'])
    expect((plain.groups || []).some((g) => g.rules.some((r) => r.alert && metricTokens(r.expr).includes(m))), `no alert uses ${m}`);
  expect((plain.groups || []).some((g) => g.rules.some((r) => /\bup\{job="ptrd"\}/.test(r.expr) && /absent/.test(r.expr))), 'no absent(up{job="ptrd"}) alert');
}

// Every alert links docs/runbooks/<Alert>.md, which exists and has the three
// sections an on-call person needs, with commands to run.
function checkRunbook(alert, url, rulesFile) {
  if (!expect(typeof url === 'string' && url.endsWith(`/docs/runbooks/${alert}.md`),
    `${alert}: runbook_url must point at docs/runbooks/${alert}.md, got ${url}`)) return;
  const file = path.resolve(path.dirname(rulesFile), '../../docs/runbooks', `${alert}.md`);
  if (!expect(existsSync(file), `${alert}: runbook ${file} does not exist`)) return;
  const text = readFileSync(file, 'utf8');
  for (const h of ['## What it means', '## How to confirm', '## What to do'])
    expect(text.includes(h), `${file}: no "${h}" section`);
  const confirm = text.split('## How to confirm')[1]?.split('## What to do')[0] || '';
  expect(/ptrd (check|plan|validate)|kubectl|rate\(|up\{/.test(confirm), `${file}: "How to confirm" names no command to run`);
}

// A kustomize render with a namePrefix: the alerts must still select the job the
// renamed Service is scraped under. Writes a rules file (annotations cut: promtool
// compares them verbatim) and a promtool test where that job's target is down.
function namePrefixTest(file, outDir) {
  const objs = loadDocs(file);
  const svc = objs.find((o) => o.kind === 'Service');
  const sm = objs.find((o) => o.kind === 'ServiceMonitor');
  const pr = objs.find((o) => o.kind === 'PrometheusRule');
  if (!expect(svc && sm && pr, `${file}: Service, ServiceMonitor and PrometheusRule expected`)) return;
  expect(svc.metadata.name !== 'ptrd', `${file}: the Service is still named ptrd: no namePrefix applied?`);
  const job = scrapeJob(sm, svc), ns = svc.metadata.namespace;
  const groups = pr.spec.groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations, ...r }) => r) }));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'rules.yaml'), JSON.stringify({ groups }));
  const series = `up{job="${job}",namespace="${ns}",instance="10.244.1.7:9153"}`;
  writeFileSync(path.join(outDir, 'test.yaml'), JSON.stringify({
    rule_files: ['rules.yaml'], evaluation_interval: '1m',
    tests: [{
      name: `namePrefix: ${svc.metadata.name} scraped as job ${job}`, interval: '1m',
      input_series: [{ series, values: '1x5 0x30' }],
      alert_rule_test: [
        { eval_time: '15m', alertname: 'PtrdDown', exp_alerts: [{ exp_labels: { severity: 'critical', namespace: ns, job } }] },
        { eval_time: '30m', alertname: 'PtrdAbsent', exp_alerts: [] },
      ],
    }],
  }, null, 1));
  console.log(`Service ${svc.metadata.name} -> job "${job}"`);
}

// ---------------------------------------------------------------------------
function checkDashboard(file, contract) {
  let dash;
  try { dash = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { fail(`${file}: not JSON: ${e.message}`); return; }
  expect(dash.uid && dash.title, 'dashboard needs uid and title');
  // Imported or provisioned as it is: no __inputs left that nothing uses.
  const text = JSON.stringify({ ...dash, __inputs: undefined });
  for (const inp of dash.__inputs || []) expect(text.includes('${' + inp.name + '}'), `__inputs ${inp.name} is never used`);
  const vars = (dash.templating?.list || []).map((v) => v.name);
  for (const v of ['datasource', 'cluster', 'namespace', 'job']) expect(vars.includes(v), `dashboard has no $${v} variable`);
  const exprs = [];
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) { if (k === 'expr' && typeof v === 'string') exprs.push(v); else walk(v); }
  };
  walk(dash.panels);
  expect(exprs.length > 0, 'dashboard has no queries');
  for (const e of exprs) for (const v of ['cluster', 'namespace', 'job'])
    for (const m of e.matchAll(/\b(?:ptrd|process)_[a-z0-9_]+\{([^}]*)\}/g))
      expect(m[1].includes(`${v}=~"$${v}"`), `dashboard query does not filter by $${v}: ${m[0]}`);
  const used = new Set();
  for (const e of exprs) for (const t of metricTokens(e)) {
    expect(knownMetric(t), `dashboard uses ${t}, not a contract metric`);
    used.add(HISTOGRAMS.find((h) => t.startsWith(h)) || t);
  }
  for (const m of CONTRACT_METRICS) expect(used.has(m), `dashboard shows no panel for ${m}`);
  const ids = dash.panels.map((p) => p.id);
  expect(new Set(ids).size === ids.length, 'dashboard panel ids are not unique');
  for (const p of dash.panels) expect(p.datasource?.uid === '${datasource}', `panel "${p.title}" does not use the $datasource variable`);
  expect(/histogram_quantile\(/.test(exprs.join('\n')), 'dashboard shows no reconcile duration quantiles');
  for (const s of ['state', 'action', 'result', 'code']) expect(exprs.some((e) => new RegExp(`by \\([^)]*\\b${s}\\b`).test(e)), `no panel broken down by ${s}`);
  if (contract) {
    // The contract's metric list, section 5: lines "- `ptrd_name{...}` ..."
    const text = readFileSync(contract, 'utf8');
    const sec = text.split(/^## /m).find((s) => s.startsWith('5.')) || '';
    const names = [...sec.matchAll(/^- `(ptrd_[a-z0-9_]+)/gm)].map((m) => m[1]);
    expect(isDeepStrictEqual([...names].sort(), [...CONTRACT_METRICS].sort()),
      `checks.mjs CONTRACT_METRICS differs from ${contract}: ${names.join(', ')}`);
    const states = [...(text.split(/^## /m).find((s) => s.startsWith('4.')) || '').matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(isDeepStrictEqual([...states].sort(), [...STATES].sort()), `states differ from the contract: ${states.join(', ')}`);
  }
}

// ---------------------------------------------------------------------------
// The run steps of a GitHub workflow's jobs, for tests/deploy/gitops_ci.sh to
// execute. A run script must hold no ${{ }} (values arrive through env:).
function workflowSteps(file, jobs) {
  const wf = YAML.parse(readFileSync(file, 'utf8'));
  for (const job of jobs) {
    const steps = wf?.jobs?.[job]?.steps;
    if (!expect(Array.isArray(steps), `${file}: no job ${job}`)) continue;
    for (const st of steps) {
      if (!st.run) continue;
      expect(!st.run.includes('${{'), `${file}: step "${st.name}" has \${{ }} in its script (pass it through env:)`);
      console.log(JSON.stringify({ job, name: st.name, if: st.if || "", env: st.env || {}, run: st.run }));
    }
  }
}

// The GitOps example: every clusters/<env>/ file points Flux or Argo CD at a
// deploy/<env>/ that exists; the CI config equals the production pod's config
// except the paths that must differ.
function checkGitops(dir) {
  const clusters = path.join(dir, 'clusters');
  const envs = readdirSync(clusters);
  expect(envs.length > 0, 'no clusters/<env>/');
  for (const env of envs) {
    const docs = readdirSync(path.join(clusters, env)).flatMap((f) => loadDocs(path.join(clusters, env, f)));
    const flux = docs.find((d) => d.kind === 'Kustomization' && d.apiVersion === 'kustomize.toolkit.fluxcd.io/v1');
    const argo = docs.find((d) => d.kind === 'Application' && d.apiVersion === 'argoproj.io/v1alpha1');
    const target = path.join('deploy', env);
    if (expect(flux, `clusters/${env}: no Flux Kustomization (kustomize.toolkit.fluxcd.io/v1)`)) {
      expect(path.normalize(flux.spec?.path || '') === target, `clusters/${env}: Flux path ${flux.spec?.path} is not ./${target}`);
      expect(flux.spec?.sourceRef?.kind === 'GitRepository' && flux.spec?.sourceRef?.name, `clusters/${env}: Flux sourceRef must name a GitRepository`);
      expect(flux.spec?.prune === true && flux.spec?.interval, `clusters/${env}: Flux needs prune: true and an interval`);
    }
    if (expect(argo, `clusters/${env}: no Argo CD Application (argoproj.io/v1alpha1)`)) {
      expect(path.normalize(argo.spec?.source?.path || '') === target, `clusters/${env}: Argo CD path is not ${target}`);
      expect(argo.spec?.source?.repoURL && argo.spec?.destination?.server && argo.spec?.project, `clusters/${env}: Argo CD source/destination/project`);
      const kust = YAML.parse(readFileSync(path.join(dir, target, 'kustomization.yaml'), 'utf8'));
      expect(argo.spec?.destination?.namespace === kust.namespace, `clusters/${env}: Argo CD namespace ${argo.spec?.destination?.namespace} is not ${kust.namespace}`);
    }
    expect(existsSync(path.join(dir, target, 'kustomization.yaml')), `${target}/kustomization.yaml missing`);
  }
  const strip = (f) => {
    const c = YAML.parse(readFileSync(path.join(dir, f), 'utf8'));
    delete c.spec.mappings; delete c.spec.listen;
    return c;
  };
  expect(isDeepStrictEqual(strip('ptrd.yaml'), strip('deploy/production/ptrd.yaml')),
    'ptrd.yaml (CI) and deploy/production/ptrd.yaml (pod) differ in more than mappings and listen');
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'manifests') {
  const base = args[0] === '--base';
  args.slice(base ? 1 : 0).forEach((f) => checkManifests(f, { base }));
} else if (cmd === 'component') checkComponent(args[0], args[1]);
else if (cmd === 'extract') extract(args[0], args[1]);
else if (cmd === 'rules') checkRules(args[0], args.slice(1));
else if (cmd === 'dashboard') checkDashboard(args[0], args[1]);
else if (cmd === 'workflow-steps') workflowSteps(args[0], args.slice(1));
else if (cmd === 'gitops') checkGitops(args[0]);
else if (cmd === 'nameprefix') namePrefixTest(args[0], args[1]);
else { console.error(`usage: node checks.mjs manifests|component|extract|rules|dashboard|workflow-steps|gitops|nameprefix ...`); process.exit(2); }
finish();
