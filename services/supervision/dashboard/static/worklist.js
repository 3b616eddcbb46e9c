/* 我的待办: the token's officer's worklist from every service, as one table (case number, what, due, how).
   Services never call each other (docs/architecture.md §1): this page asks each one's GET /worklist with
   the caller's own token — supervision's here, the others at the addresses /dashboard/worklist/sources
   gives (they allow this page's origin to read, shared/cors.py) — and merges them by due date. */
"use strict";
(() => {
  const KEY = "supervision.dashboard.token";
  const params = new URLSearchParams(location.search);
  const $ = (id) => document.getElementById(id);
  const PAGE = 100;
  const STATUS = { overdue: "已超期", due_today: "今日到期", upcoming: "未到期", no_limit: "无期限" };
  if (params.get("token")) {
    sessionStorage.setItem(KEY, params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.toString() ? `?${params}` : ""));
  }
  const token = () => sessionStorage.getItem(KEY);
  function cell(text, cls) { const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; return td; }
  function row(cells, tag) {
    const tr = document.createElement("tr");
    for (const c of cells) { if (tag === "th") { const th = document.createElement("th"); th.textContent = c; tr.append(th); } else tr.append(c); }
    return tr;
  }
  function login(message) { $("list").hidden = true; $("login").hidden = false; $("login-message").textContent = message || ""; }

  // Sorted as each service sorts its own (shared/worklist.py): by due date, undated last, then case number.
  function order(a, b) {
    if ((a.due === null) !== (b.due === null)) return a.due === null ? 1 : -1;
    if (a.due !== b.due) return a.due < b.due ? -1 : 1;
    return (a.case_number || "").localeCompare(b.case_number || "") || a.kind.localeCompare(b.kind);
  }
  async function one(source) {
    try {
      const r = await fetch(`${source.url}/worklist?limit=${PAGE}`, { headers: { Authorization: `Bearer ${token()}` } });
      if (r.status === 401) return { source, unauthorized: ((await r.json().catch(() => ({}))).detail) || "令牌无效" };
      if (r.status === 403) return { source, list: null };  // no role this service gives work to
      if (!r.ok) return { source, error: `HTTP ${r.status}` };
      return { source, list: await r.json() };
    } catch (err) {
      return { source, error: "无法连接" };
    }
  }
  async function load() {
    if (!token()) { login(); return; }
    let sources = [{ service: "supervision", name: "监管", url: "" }];
    try {
      const r = await fetch("/dashboard/worklist/sources");
      if (r.ok) sources = (await r.json()).sources;
    } catch (err) { /* supervision's own list still shows */ }
    const answers = await Promise.all(sources.map(one));
    const own = answers[0];
    if (own.unauthorized || (own.list === null && answers.every((a) => !a.list))) {
      login(own.unauthorized || "该令牌没有任何服务的待办权限"); return;
    }
    const lists = answers.filter((a) => a.list);
    const w = lists[0].list;
    $("login").hidden = true; $("list").hidden = false;
    const failed = answers.filter((a) => a.error || a.unauthorized);
    $("error").hidden = !failed.length;
    $("error").textContent = failed.length ? `以下服务的待办暂时无法读取：${failed.map((a) => `${a.source.name}（${a.error || a.unauthorized}）`).join("、")}` : "";
    $("who").textContent = `${w.officer_id} · ${w.role_names} · ${w.court}`;
    $("as-of").textContent = `截至 ${w.as_of}`;
    // The same command due on two lists (supervision watches the node of a step intake owns) is one
    // thing to do: shown once, as the owning service words it, with both services named.
    const byCommand = new Map();
    for (const a of lists) {
      for (const i of a.list.items) {
        const key = `${i.case_id} ${i.action.service} ${i.action.method} ${i.action.path}`;
        const seen = byCommand.get(key);
        if (!seen) { byCommand.set(key, { ...i, from: [a.source] }); continue; }
        seen.from.push(a.source);
        if (a.source.service === i.action.service) Object.assign(seen, { ...i, from: seen.from });
      }
    }
    const items = [...byCommand.values()];
    items.sort(order);
    $("total").textContent = items.length;
    $("sources").textContent = lists.map((a) => `${a.source.name} ${a.list.total}`).join(" · ");
    const head = row(["案号", "待办事项", "期限", "状态", "办理", "身份", "服务"], "th");
    const rows = items.map((i) => {
      const tr = row([
        cell(i.case_number || i.case_id, "case"), cell(i.title), cell(i.due || "—"),
        cell(i.due === null ? STATUS[i.status] : `${STATUS[i.status]}${i.days_left < 0 ? ` ${-i.days_left} 天` : ""}`, i.status),
        cell(`${i.action.label}：${i.action.method} ${i.action.path}（${i.action.service}）`), cell(i.role_name),
        cell(i.from.map((f) => f.name).join(" · "), "service"),
      ]);
      tr.dataset.kind = i.kind; tr.dataset.case = i.case_id; tr.dataset.service = i.from.map((f) => f.service).join(" ");
      return tr;
    });
    $("items").replaceChildren(head, ...(rows.length ? rows : [row([cell("暂无待办", "empty")])]));
    const cut = lists.filter((a) => a.list.total > a.list.items.length);
    $("pager").textContent = cut.length ? `每个服务显示前 ${PAGE} 项（${cut.map((a) => `${a.source.name}共 ${a.list.total} 项`).join("、")}）` : "";
    document.body.dataset.loaded = "1";
  }
  $("login-button").addEventListener("click", () => {
    const value = $("token-input").value.trim();
    if (!value) { $("login-message").textContent = "请先粘贴令牌"; return; }
    sessionStorage.setItem(KEY, value); load();
  });
  $("logout").addEventListener("click", () => { sessionStorage.removeItem(KEY); login(); });
  load();
})();
