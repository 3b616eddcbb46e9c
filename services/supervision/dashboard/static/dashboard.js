/* 执行指挥中心 dashboard: polls supervision's JSON APIs with a watcher's token and renders them. */
"use strict";
(() => {
  const KEY = "supervision.dashboard.token";
  const params = new URLSearchParams(location.search);
  const REFRESH_MS = Math.max(2, Number(params.get("refresh")) || 15) * 1000;
  const $ = (id) => document.getElementById(id);
  // Filters passed through to the indicator APIs: ?from=2026-01-01&to=…&track=fast&team_id=…&judge_id=…
  const filters = new URLSearchParams();
  for (const k of ["from", "to", "track", "team_id", "judge_id"]) if (params.get(k)) filters.set(k, params.get(k));
  const q = filters.toString() ? `?${filters}` : "";
  // The overdue figures and the escalation board take the same case filters as the indicators (not the
  // period: overdue is as of today), so the 超期 tile agrees with the other tiles under a track filter.
  const caseFilters = new URLSearchParams();
  for (const k of ["track", "team_id", "judge_id"]) if (params.get(k)) caseFilters.set(k, params.get(k));
  const cq = caseFilters.toString() ? `&${caseFilters}` : "";
  const LEVELS = { 1: "团队长", 2: "执行局长", 3: "分管副院长", 4: "院长" };
  // Chinese names of every code, from the one label table (shared/labels.py, served as /labels).
  let LABELS = { track: { fast: "快执", ordinary: "普执", others: "未分流" } };
  const label = (kind, code) => (code === null || code === undefined || code === "") ? "—"
    : ((LABELS[kind] || {})[String(code).split(":")[0]] || String(code));
  const caseName = (item) => item.case_number || short(item.case_id);
  const KPIS = [
    ["received", "收案（旧存+新收）", (t) => num(t.received), (t) => `旧存 ${t.received_old} · 新收 ${t.received_new}`],
    ["closed", "结案", (t) => num(t.closed), (t) => `未结 ${t.pending}`],
    ["结案率", "结案率", (t) => pct(t["结案率"]), (t) => frac(t["结案率"])],
    ["执行完毕率", "执行完毕率", (t) => pct(t["执行完毕率"]), (t) => frac(t["执行完毕率"])],
    ["实际执结率", "实际执结率", (t) => pct(t["实际执结率"]), (t) => frac(t["实际执结率"])],
    ["执行到位率", "执行到位率", (t) => pct(t["执行到位率"]), (t) => `${yuan(t.recovered_fen)} / ${yuan(t.claimed_fen)} 万元`],
    ["结案平均用时", "结案平均用时", (t) => days(t["结案平均用时"]), (t) => `${t["结案平均用时"].cases} 件`],
    ["法定期限内结案率", "法定期限内结案率", (t) => pct(t["法定期限内结案率"]), (t) => frac(t["法定期限内结案率"])],
    ["终本率", "终本率", (t) => pct(t["终本率"]), (t) => frac(t["终本率"])],
    ["终本合格率", "终本合格率", (t) => pct(t["终本合格率"]), (t) => frac(t["终本合格率"])],
  ];

  function num(n) { return String(n ?? "—"); }
  function pct(r) { return r && r.value !== null ? `${(r.value * 100).toFixed(1)}%` : "—"; }
  function frac(r) { return r ? `${r.numerator} / ${r.denominator}` : ""; }
  function days(m) { return m && m.value !== null ? `${m.value.toFixed(1)} 天` : "—"; }
  function yuan(fen) { return ((fen || 0) / 1000000).toFixed(2); }
  function secs(s) {
    if (s === null || s === undefined) return "—";
    if (s < 60) return `${s.toFixed(1)} 秒`;
    if (s < 3600) return `${(s / 60).toFixed(1)} 分`;
    return `${(s / 3600).toFixed(1)} 小时`;
  }
  function short(id) { return String(id).length > 12 ? `${String(id).slice(0, 8)}…` : String(id); }
  function node(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "onclick") n.addEventListener("click", v);
      else if (k === "dataset") Object.assign(n.dataset, v);
      else n.setAttribute(k, v);
    }
    for (const c of children) n.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
    return n;
  }
  function table(el, head, rows) {
    el.replaceChildren(node("tr", {}, ...head.map((h) => node("th", {}, h))), ...rows.map((r) => node("tr", {}, ...r.map((c) => node("td", {}, c)))));
  }

  // Token: ?token= once (kept in this tab's sessionStorage and removed from the address bar) or the login box.
  if (params.get("token")) {
    sessionStorage.setItem(KEY, params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.toString() ? `?${params}` : ""));
  }
  const token = () => sessionStorage.getItem(KEY);

  class AuthError extends Error {}
  async function api(path) {
    const r = await fetch(path, { headers: { Authorization: `Bearer ${token()}`, Accept: "application/json" } });
    if (r.status === 401 || r.status === 403) {
      const body = await r.json().catch(() => ({}));
      throw new AuthError(body.detail || body.title || "令牌无效或无权查看");
    }
    if (!r.ok) throw new Error(`${path}：HTTP ${r.status}`);
    return r.json();
  }

  function showLogin(message) {
    $("board").hidden = true;
    $("trail-alarm").hidden = true;
    $("login").hidden = false;
    $("login-message").textContent = message || "";
  }

  function renderTiles(t, overdue) {
    const tiles = KPIS.map(([key, label, value, sub]) =>
      node("div", { class: "tile", dataset: { kpi: key } },
        node("div", { class: "label" }, label), node("div", { class: "value" }, value(t)), node("div", { class: "sub" }, sub(t))));
    tiles.push(node("div", { class: `tile${overdue.cases ? " alert" : ""}`, dataset: { kpi: "overdue" } },
      node("div", { class: "label" }, "超期案件"), node("div", { class: "value" }, num(overdue.cases)),
      node("div", { class: "sub" }, `督办：${[1, 2, 3, 4].map((l) => overdue.by_level[l] || 0).join(" / ")}`)));
    $("tiles").replaceChildren(...tiles);
  }

  function renderTracks(tracks) {
    // 未分流 (执异 cases, cases not yet triaged) only when it holds any: the rows add up to the tiles.
    const keys = ["fast", "ordinary"].concat(tracks.others.received || tracks.others.closed ? ["others"] : []);
    const TRACKS = Object.fromEntries(keys.map((k) => [k, label("track", k)]));
    Charts.bars($("chart-tracks"), keys.map((k) => TRACKS[k]), [
      { name: "收案", color: "#38bdf8", values: keys.map((k) => tracks[k].received) },
      { name: "结案", color: "#34d399", values: keys.map((k) => tracks[k].closed) },
    ]);
    Charts.donut($("chart-share"), [
      { label: "快执", value: tracks.fast.closed, color: "#38bdf8" },
      { label: "普执", value: tracks.ordinary.closed, color: "#f59e0b" },
      ...(tracks.others.closed ? [{ label: "未分流", value: tracks.others.closed, color: "#a78bfa" }] : []),
    ]);
    Charts.hbars($("chart-days"), keys.map((k) => ({
      label: TRACKS[k], value: tracks[k].mean_days_to_close.value === null ? null : Number(tracks[k].mean_days_to_close.value.toFixed(1)),
      color: { fast: "#38bdf8", ordinary: "#f59e0b", others: "#a78bfa" }[k],
    })), " 天");
    const t = $("track-table");
    const sum = (f) => ["fast", "ordinary", "others"].reduce((n, k) => n + (tracks[k][f] || 0), 0);
    table(t, ["", "收案", "结案", "结案占比", "结案平均用时"], keys.map((k) => [
      TRACKS[k], num(tracks[k].received), num(tracks[k].closed), pct(tracks[k].share_of_closures), days(tracks[k].mean_days_to_close),
    ]).concat([["合计", num(sum("received")), num(sum("closed")), "", ""]]));
    [...t.querySelectorAll("tr")].slice(1).forEach((tr, i) => { tr.dataset.track = keys[i] || "total"; });
  }

  function renderOverdue(o) {
    Charts.hbars($("chart-overdue"), o.by_node.map((n) => ({ label: n.title, value: n.cases })), " 件", "#f87171");
    table($("overdue-teams"), ["团队", "超期案件"], o.by_team.map((r) => [r.team_id, r.cases]));
    table($("overdue-judges"), ["承办法官", "超期案件"], o.by_judge.map((r) => [r.judge_id, r.cases]));
  }

  function renderLevels(deadlines) {
    const by = { 1: [], 2: [], 3: [], 4: [] };
    for (const d of deadlines) if (by[d.escalation_level]) by[d.escalation_level].push(d);
    $("levels").replaceChildren(...[1, 2, 3, 4].map((l) => node("div", { class: `level level-${l}`, dataset: { level: l } },
      node("h3", {}, node("span", {}, `${l}级 · ${LEVELS[l]}`), node("span", { class: "count" }, by[l].length)),
      node("ul", {}, ...by[l].sort((a, b) => b.days_overdue - a.days_overdue).slice(0, 14).map((d) =>
        node("li", { title: d.source, onclick: () => showTimeline(d.case_number || d.case_id) },
          node("span", { class: "case" }, caseName(d)), ` ${d.title} 超期 ${d.days_overdue} 天 · 承办法官 ${d.judge_id || "未分案"}`))))));
  }

  function renderFindings(findings) {
    $("findings-count").textContent = findings.length;
    const rules = {};
    for (const f of findings) rules[f.rule_id] = (rules[f.rule_id] || 0) + 1;
    $("findings-rules").replaceChildren(...Object.entries(rules).sort().map(([r, n]) => node("span", { class: "chip" }, `${r} × ${n}`)));
    const recent = [...findings].sort((a, b) => String(b.raised_at).localeCompare(String(a.raised_at))).slice(0, 12);
    $("findings").replaceChildren(...(recent.length ? recent.map((f) =>
      node("li", { onclick: () => showTimeline(f.case_number || f.case_id) }, node("span", { class: "rule" }, f.rule_id),
        node("span", { class: "case" }, caseName(f)), ` ${f.message}`)) : [node("li", { class: "empty" }, "暂无检查发现")]));
  }

  function renderAgencies(rows) {
    table($("agencies"), ["协助单位", "类型", "发出", "已答复", "待答复", "逾期", "平均用时", "最长"], rows.map((a) => [
      a.agency_name || a.agency_id, label("agency_kind", a.agency_kind), a.dispatched, a.answered, a.waiting, a.late, secs(a.mean_seconds), secs(a.max_seconds),
    ]));
  }

  // Coercive measures (罚款、拘留): the period's totals, then per month and per judge (/indicators/measures).
  function renderMeasures(m) {
    const t = m.totals;
    $("measures-summary").textContent = `提请 ${t.proposed} · 批准 ${t.approved}（罚款 ${t.fines}，拘留 ${t.detentions}）`
      + ` · 不批准 ${t.rejected} · 罚款合计 ${yuan(t.fine_fen)} · 送交看管 ${t.custody_started} · 提前解除 ${t.released_early}`
      + ` · 拒执罪移送 ${t.referrals}（自诉 ${t.private_prosecutions}） · 悬赏 ${t.rewards_granted} · 曝光 ${t.exposures}`;
    table($("measures-months"), ["月份", "提请", "批准", "罚款", "拘留", "罚款金额"], m.by_month.map((r) => [
      r.month, r.proposed, r.approved, r.fines, r.detentions, yuan(r.fine_fen),
    ]));
    table($("measures-judges"), ["承办法官", "提请", "批准", "罚款", "拘留"], m.by_judge.map((r) => [
      r.judge_id, r.proposed, r.approved, r.fines, r.detentions,
    ]));
  }
  function yuan(fen) { return `${(fen / 100).toLocaleString("zh-CN")} 元`; }

  // 涉执信访 and 国家司法救助 (/indicators/petitions, the same period and case filters as the tiles).
  function renderPetitions(t) {
    const aid = t.judicial_aid;
    const money = (fen) => `${(fen / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2 })} 元`;
    table($("petitions"), ["指标", "本期", "计算"], [
      ["信访件数", num(t.petitions), `在执案件 ${t.cases_under_enforcement} 件`],
      ["案访比", pct(t.case_petition_ratio), frac(t.case_petition_ratio)],
      ["办结率", pct(t.closure_rate), frac(t.closure_rate)],
      ["息访率", pct(t.stop_rate), frac(t.stop_rate)],
      ["司法救助（决定给予）", `${aid.granted_cases} 件`, money(aid.granted_fen)],
      ["司法救助金已发放", `${aid.paid_cases} 件`, `${money(aid.paid_fen)}（不计入执行到位）`],
    ]);
  }

  // A case is named by its number (（2026）黔01执1号, full-width or ASCII brackets) or its id: the trail
  // API looks the number up.
  async function showTimeline(ref) {
    if (!ref) return;
    $("timeline-case").value = ref;
    try {
      const data = await api(`/cases/${encodeURIComponent(ref)}/trail?limit=500`);
      $("timeline-title").textContent = data.case_number ? `案号 ${data.case_number}` : `案件 ${data.case_id}`;
      $("timeline").replaceChildren(...data.events.map((e) => node("li", { title: e.event_type },
        node("span", { class: "when" }, new Date(e.occurred_at).toLocaleString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" })),
        node("span", { class: "svc" }, label("service", e.producer)),
        e.text || e.summary,
        node("span", { class: "who" }, `${e.actor_name || e.actor_id}${e.actor_role ? `（${label("role", e.actor_role)}）` : ""}`))));
    } catch (err) {
      $("timeline-title").textContent = "";
      $("timeline").replaceChildren(node("li", { class: "empty" }, err instanceof AuthError ? err.message : `无法加载：${err.message}`));
    }
  }

  // A dead letter nobody has acknowledged: the trail may miss an event. Said on every refresh, loudly.
  async function renderTrailAlarm() {
    let data;
    try {
      data = await api("/dead-letters?limit=5");
    } catch (err) {
      if (err instanceof AuthError) throw err;
      $("trail-alarm").hidden = false;
      $("trail-alarm-text").textContent = `无法确认轨迹是否完整：${err.message}`;
      $("trail-alarm-list").replaceChildren();
      return;
    }
    $("trail-alarm").hidden = !data.unacknowledged;
    if (!data.unacknowledged) return;
    $("trail-alarm-text").textContent =
      `${data.unacknowledged} 条消息未能记入审计轨迹（已转入死信主题），监管服务未就绪。请核查后由监管人员或管理员逐条确认。`;
    $("trail-alarm-list").replaceChildren(...data.dead_letters.map((d) => node("li", { dataset: { deadLetter: d.id } },
      `#${d.id} · 分区 ${d.partition} · 偏移 ${d.offset} · ${d.case_id ? `案件 ${d.case_id}` : "案件不明"} · ${d.what}`)));
  }

  // A drill clock (or a moved one) is shown in the header: the figures are of the court's time, not today's.
  async function renderClock() {
    const r = await fetch("/readyz", { headers: { Accept: "application/json" } }).catch(() => null);
    const clock = r ? ((await r.json().catch(() => ({}))).checks || {}).court_clock : null;
    const el = $("clock");
    if (!clock || !(clock.drill || clock.moved)) { el.hidden = true; return; }
    const days = Math.round(clock.offset_s / 86400);
    el.hidden = false;
    el.textContent = `演练时钟 ${clock.now.slice(0, 16).replace("T", " ")}${days ? `（比实际时间快 ${days} 天）` : ""}`;
  }

  async function refresh() {
    if (!token()) { showLogin(); return; }
    try {
      if (!LABELS.role) LABELS = (await api("/labels")).tables;
      const [ind, overdue, board, findings, agencies, measures] = await Promise.all([
        api(`/indicators${q}`), api(`/indicators/overdue?${cq.slice(1)}`), api(`/deadlines?status=overdue${cq}`),
        api(`/findings${params.get("track") ? `?track=${encodeURIComponent(params.get("track"))}` : ""}`),
        api(`/indicators/agencies${q}`), api(`/indicators/measures${q}`), renderTrailAlarm(), renderClock(),
      ]);
      $("login").hidden = true;
      $("board").hidden = false;
      $("error").hidden = true;
      $("court").textContent = ind.court;
      $("period").textContent = `${ind.period.from} 至 ${ind.period.to}`;
      renderTiles(ind.totals, overdue);
      renderTracks(ind.tracks);
      renderOverdue(overdue);
      renderLevels(board.deadlines);
      renderFindings(findings.findings);
      renderAgencies(agencies.agencies);
      renderPetitions((await api(`/indicators/petitions${q}`)).totals);
      renderMeasures(measures);
      $("updated").textContent = `更新于 ${new Date().toLocaleTimeString("zh-CN", { hour12: false })}`;
      document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
    } catch (err) {
      if (err instanceof AuthError) { showLogin(err.message); return; }
      $("error").hidden = false;
      $("error").textContent = `数据刷新失败（将自动重试）：${err.message}`;
    }
  }

  $("login-button").addEventListener("click", () => {
    const value = $("token-input").value.trim();
    if (!value) { $("login-message").textContent = "请先粘贴令牌"; return; }
    sessionStorage.setItem(KEY, value);
    refresh();
  });
  $("logout").addEventListener("click", () => { sessionStorage.removeItem(KEY); showLogin(); });
  $("timeline-form").addEventListener("submit", (ev) => { ev.preventDefault(); showTimeline($("timeline-case").value.trim()); });
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
