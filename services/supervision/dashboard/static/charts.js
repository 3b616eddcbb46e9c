/* Tiny inline-SVG charts for the wall screen (no library, nothing fetched). */
"use strict";
const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function svg(width, height) {
    return el("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img" });
  }

  /* Grouped vertical bars: categories × series [{name, color, values}] */
  function bars(container, categories, series) {
    const W = 520, H = 260, top = 24, bottom = 48, left = 40;
    const max = Math.max(1, ...series.flatMap((s) => s.values));
    const s = svg(W, H);
    const groupW = (W - left) / categories.length;
    const barW = Math.min(60, (groupW * 0.7) / series.length);
    s.appendChild(el("line", { x1: left, y1: H - bottom, x2: W, y2: H - bottom, class: "axis" }));
    categories.forEach((cat, i) => {
      const x0 = left + i * groupW + (groupW - barW * series.length) / 2;
      series.forEach((ser, j) => {
        const v = ser.values[i] || 0;
        const h = ((H - top - bottom) * v) / max;
        const x = x0 + j * barW;
        s.appendChild(el("rect", { x: x + 3, y: H - bottom - h, width: barW - 6, height: h, fill: ser.color, rx: 3 }));
        s.appendChild(el("text", { x: x + barW / 2, y: H - bottom - h - 6, "text-anchor": "middle" }, v));
      });
      s.appendChild(el("text", { x: left + i * groupW + groupW / 2, y: H - bottom + 22, "text-anchor": "middle" }, cat));
    });
    series.forEach((ser, j) => {
      s.appendChild(el("rect", { x: left + j * 110, y: H - 16, width: 14, height: 14, fill: ser.color }));
      s.appendChild(el("text", { x: left + j * 110 + 20, y: H - 4 }, ser.name));
    });
    container.replaceChildren(s);
  }

  /* Horizontal bars: items [{label, value, color?}] with a value label and unit */
  function hbars(container, items, unit, color) {
    if (!items.length) {
      const p = document.createElement("p");
      p.className = "empty";
      p.textContent = "暂无数据";
      container.replaceChildren(p);
      return;
    }
    const rowH = 34, left = 290, W = 640, H = items.length * rowH + 8;
    const max = Math.max(1, ...items.map((i) => i.value || 0));
    const s = svg(W, H);
    items.forEach((item, i) => {
      const y = 4 + i * rowH;
      const w = ((W - left - 90) * (item.value || 0)) / max;
      s.appendChild(el("text", { x: left - 10, y: y + rowH / 2 + 5, "text-anchor": "end" }, item.label));
      s.appendChild(el("rect", { x: left, y: y + 4, width: Math.max(w, 2), height: rowH - 10, fill: item.color || color, rx: 3 }));
      s.appendChild(el("text", { x: left + w + 8, y: y + rowH / 2 + 5 }, item.value === null ? "—" : `${item.value}${unit || ""}`));
    });
    container.replaceChildren(s);
  }

  /* Donut of shares: parts [{label, value, color}] */
  function donut(container, parts) {
    const W = 260, H = 260, cx = 130, cy = 120, r = 90, stroke = 34;
    const total = parts.reduce((a, p) => a + (p.value || 0), 0);
    const s = svg(W, H);
    const circ = 2 * Math.PI * r;
    let offset = 0;
    s.appendChild(el("circle", { cx, cy, r, fill: "none", stroke: "#24324f", "stroke-width": stroke }));
    for (const p of parts) {
      if (!total || !p.value) continue;
      const len = (circ * p.value) / total;
      s.appendChild(el("circle", {
        cx, cy, r, fill: "none", stroke: p.color, "stroke-width": stroke,
        "stroke-dasharray": `${len} ${circ - len}`, "stroke-dashoffset": -offset,
        transform: `rotate(-90 ${cx} ${cy})`,
      }));
      offset += len;
    }
    s.appendChild(el("text", { x: cx, y: cy + 8, "text-anchor": "middle", "font-size": 26 }, total ? `${total} 件` : "—"));
    parts.forEach((p, i) => {
      s.appendChild(el("rect", { x: 20 + i * 120, y: H - 22, width: 14, height: 14, fill: p.color }));
      s.appendChild(el("text", { x: 40 + i * 120, y: H - 10 }, p.label));
    });
    container.replaceChildren(s);
  }

  return { bars, hbars, donut };
})();
