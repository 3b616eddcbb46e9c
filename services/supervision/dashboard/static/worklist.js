/* 我的待办: supervision's GET /worklist for the token's officer, as a table (case number, what, due, how). */
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

  async function load(offset) {
    if (!token()) { login(); return; }
    const r = await fetch(`/worklist?limit=${PAGE}&offset=${offset}`, { headers: { Authorization: `Bearer ${token()}` } });
    if (r.status === 401 || r.status === 403) { login(((await r.json().catch(() => ({}))).detail) || "令牌无效"); return; }
    if (!r.ok) { $("error").hidden = false; $("error").textContent = `无法加载待办：HTTP ${r.status}`; return; }
    const w = await r.json();
    $("login").hidden = true; $("list").hidden = false; $("error").hidden = true;
    $("who").textContent = `${w.officer_id} · ${w.role_names} · ${w.court}`;
    $("as-of").textContent = `截至 ${w.as_of}`;
    $("total").textContent = w.total;
    const head = row(["案号", "待办事项", "期限", "状态", "办理", "身份"], "th");
    const rows = w.items.map((i) => {
      const tr = row([
        cell(i.case_number || i.case_id, "case"), cell(i.title), cell(i.due || "—"),
        cell(i.due === null ? STATUS[i.status] : `${STATUS[i.status]}${i.days_left < 0 ? ` ${-i.days_left} 天` : ""}`, i.status),
        cell(`${i.action.label}：${i.action.method} ${i.action.path}（${i.action.service}）`), cell(i.role_name),
      ]);
      tr.dataset.kind = i.kind; tr.dataset.case = i.case_id;
      return tr;
    });
    $("items").replaceChildren(head, ...(rows.length ? rows : [row([cell("暂无待办", "empty")])]));
    $("pager").textContent = w.total > PAGE ? `第 ${offset + 1}–${offset + w.items.length} 项` : "";
    document.body.dataset.loaded = "1";
  }
  $("login-button").addEventListener("click", () => {
    const value = $("token-input").value.trim();
    if (!value) { $("login-message").textContent = "请先粘贴令牌"; return; }
    sessionStorage.setItem(KEY, value); load(0);
  });
  $("logout").addEventListener("click", () => { sessionStorage.removeItem(KEY); login(); });
  load(0);
})();
