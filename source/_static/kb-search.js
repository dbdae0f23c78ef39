/* Qingchun search page (search.html): Chinese queries against Sphinx's index.
 *
 * - The query is segmented the way the index was: maximum matching (both
 *   directions, the one with fewer words wins) against a dictionary made of
 *   the index's own vocabulary and the knowledge base's words (terms,
 *   concepts, title phrases; kb-search-data.js). No guessing.
 * - A phrase matches a page when the page has the phrase as an index word,
 *   or all of its words, or an index word that contains the phrase
 *   (性教育 inside 学校性教育). Every phrase of the query must match; when no
 *   page has them all, the pages with the most are shown, and the page says so.
 * - Ranking: where the words are (title, section headings, summary, text),
 *   how rare they are, and the kind of page: lessons and explainers above
 *   listing pages (weights from kb_search.py).
 * - Filters by audience and age band, snippets from each page's own text
 *   (kb-search-text/<page>.js), every message in Chinese.
 * Everything is loaded with <script> elements, so it works from file:// too.
 * Text from the index and the data is only ever set as textContent.
 */
"use strict";
(() => {
  // words that carry no topic in a teacher's question: never required
  const STOP = new Set(["怎样", "怎么", "怎么办", "如何", "什么", "哪些", "哪里", "为什么", "是否", "可以",
    "应该", "需要", "我们", "他们", "她们", "自己", "一个", "有关", "关于", "以及", "进行", "知道", "告诉",
    "一些", "时候", "以后", "以前", "之后", "不要", "要不要", "有没有", "正常", "问题"]);
  const FIELD = { title: 10, heading: 4, summary: 3, text: 1 };
  const SNIPPET_PAGES = 8; // results whose text is loaded at once for a snippet; the rest as they scroll into view
  const state = { index: null, data: null, ready: false, texts: new Map(), query: null };

  window.Search = { setIndex: (index) => { state.index = index; start(); } };
  window.KBSearch = {
    data: (data) => { state.data = data; start(); },
    text: (docname, text) => { state.texts.set(docname, text); fillSnippets(docname); },
  };

  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  // -- the dictionary and maximum matching ----------------------------------
  let vocab = null;
  let maxLen = 2;
  let docsOfTerm = null;

  function buildVocab() {
    const { terms, titleterms } = state.index;
    vocab = new Set([...Object.keys(terms), ...Object.keys(titleterms)]);
    for (const w of state.data.words) vocab.add(w.toLowerCase());
    for (const w of vocab) if (w.length > maxLen && w.length <= 16) maxLen = w.length;
    const cache = new Map();
    docsOfTerm = (term) => {
      if (!cache.has(term)) {
        const out = new Set();
        for (const table of [terms, titleterms]) {
          if (!Object.prototype.hasOwnProperty.call(table, term)) continue;
          const v = table[term];
          (Array.isArray(v) ? v : [v]).forEach((d) => out.add(d));
        }
        cache.set(term, out);
      }
      return cache.get(term);
    };
  }

  function maximumMatch(run, forward, longest) {
    const out = [];
    let i = forward ? 0 : run.length;
    while (forward ? i < run.length : i > 0) {
      let word = forward ? run[i] : run[i - 1];
      for (let len = Math.min(longest, forward ? run.length - i : i); len >= 2; len--) {
        const cand = forward ? run.substr(i, len) : run.substr(i - len, len);
        if (vocab.has(cand)) { word = cand; break; }
      }
      if (forward) { out.push(word); i += word.length; } else { out.unshift(word); i -= word.length; }
    }
    return out;
  }

  /** Maximum matching both ways: the one with fewer words (then fewer single
   *  characters) first, the other after it when it differs. */
  function segmentations(run, longest = maxLen) {
    const f = maximumMatch(run, true, longest);
    const b = maximumMatch(run, false, longest);
    const singles = (ws) => ws.filter((w) => w.length === 1).length;
    const fFirst = f.length !== b.length ? f.length < b.length : singles(f) < singles(b);
    const both = fFirst ? [f, b] : [b, f];
    return both[0].join("|") === both[1].join("|") ? [both[0]] : both;
  }

  /** The words of a phrase a page must have: not question words; single
   *  characters only in a short phrase (性 of 性教育, not 来 of 第一次来月经怎么办). */
  const needed = (words) => {
    const content = words.filter((w) => !STOP.has(w));
    const strong = content.filter((w) => w.length > 1);
    return strong.length && words.join("").length > 4 ? strong : content;
  };

  /** The query as phrases. Each phrase has its readings (``alts``: the index
   *  word itself, or its segmentations; a long index word is also read as the
   *  shorter words in it), each with what a page must have (``need``), and
   *  ``contains``: index words holding the phrase (性教育 in 学校性教育). */
  function parse(query) {
    const phrases = [];
    const pieces = query.toLowerCase().normalize("NFKC").match(/\p{Script=Han}+|[\p{L}\p{N}]+/gu) || [];
    for (const piece of pieces) {
      const han = /\p{Script=Han}/u.test(piece);
      let readings;
      if (vocab.has(piece)) {
        readings = [[piece]];
        if (han && piece.length >= 4) readings.push(...segmentations(piece, piece.length - 1));
      } else if (han) readings = segmentations(piece);
      else readings = [[piece, piece.replace(/s$/, "")].filter((w) => vocab.has(w)).slice(0, 1)];
      const alts = readings.map((ws) => ws.filter((w) => vocab.has(w))).filter((ws) => ws.length)
        .map((words, i) => ({ words, need: needed(words), factor: i === 0 ? 1 : 0.9 }));
      const contains = piece.length > 1 && !vocab.has(piece)
        ? [...vocab].filter((w) => w.length > piece.length && w.includes(piece)) : [];
      if (!alts.length && !contains.length) continue;
      // a phrase the index has only as loose characters is not in the knowledge base
      if (han && piece.length > 1 && !contains.length && alts.every((a) => a.words.every((w) => w.length === 1))) {
        continue;
      }
      const optional = !contains.length && alts.every((a) => !a.need.length);
      phrases.push({ text: piece, words: alts.length ? alts[0].words : [], alts, contains, optional });
    }
    return phrases;
  }

  // -- matching and ranking -------------------------------------------------
  function rank(phrases) {
    const { docnames, titles, alltitles } = state.index;
    const n = docnames.length;
    const idf = (term) => Math.log(1 + n / Math.max(1, docsOfTerm(term).size));
    const headings = new Map();
    for (const [title, places] of Object.entries(alltitles)) {
      for (const [doc] of places) headings.set(doc, (headings.get(doc) || "") + " " + title.toLowerCase());
    }
    const pageData = (doc) => state.data.pages[docnames[doc]] || {};
    const title = (doc) => (titles[doc] || "").toLowerCase();
    const summary = (doc) => (pageData(doc).s || "").toLowerCase();
    // a page has a word when its text has it, or its title or summary (front matter)
    const has = (term, doc) => docsOfTerm(term).has(doc) || title(doc).includes(term) || summary(doc).includes(term);
    const where = (term, doc) => {
      if (title(doc).includes(term)) return FIELD.title;
      if ((headings.get(doc) || "").includes(term)) return FIELD.heading;
      if (summary(doc).includes(term)) return FIELD.summary;
      return docsOfTerm(term).has(doc) ? FIELD.text : 0;
    };
    const weigh = (words, doc) => words.reduce((sum, w) => sum + idf(w) * where(w, doc) * (STOP.has(w) ? 0.2 : 1), 0);
    const results = [];
    const required = phrases.filter((p) => !p.optional).length;
    for (let doc = 0; doc < n; doc++) {
      let score = 0;
      let matched = 0;
      for (const p of phrases) {
        let s = 0;
        let full = false;
        for (const alt of p.alts) {
          if (alt.need.length && alt.need.every((w) => has(w, doc))) {
            full = true;
            s = Math.max(s, alt.factor * weigh(alt.words.filter((w) => has(w, doc)), doc));
          }
        }
        const inside = p.contains.filter((w) => has(w, doc));
        if (inside.length) {
          full = true;
          s = Math.max(s, 0.8 * Math.max(...inside.map((w) => idf(w) * where(w, doc))));
        }
        if (!full) {
          const words = p.words.filter((w) => has(w, doc));
          s = 0.3 * weigh(words, doc);
          const need = p.alts.length ? p.alts[0].need : [];
          if (!p.optional && need.length) matched += need.filter((w) => has(w, doc)).length / need.length / 2;
        } else if (!p.optional) matched += 1;
        score += s;
      }
      if (score <= 0) continue;
      const whole = phrases.map((p) => p.text).join("");
      if (whole.length > 1 && title(doc).includes(whole)) score += 20;
      else if (whole.length > 1 && summary(doc).includes(whole)) score += 6;
      score *= state.data.weights[pageData(doc).t || "page"] || 1;
      results.push({ doc, score, matched });
    }
    const best = Math.max(0, ...results.map((r) => r.matched));
    const complete = best >= required;
    const kept = results.filter((r) => (complete ? r.matched >= required : r.matched >= best && best > 0));
    kept.sort((a, b) => b.score - a.score || (titles[a.doc] < titles[b.doc] ? -1 : 1));
    return { results: kept, complete };
  }

  // -- the page --------------------------------------------------------------
  const params = () => new URLSearchParams(window.location.search);

  function filters() {
    return { aud: $("kb-search-aud") ? $("kb-search-aud").value : "", band: $("kb-search-band") ? $("kb-search-band").value : "" };
  }

  function passes(doc, f) {
    const page = state.data.pages[state.index.docnames[doc]] || {};
    if (f.aud && !(page.a || []).includes(f.aud)) return false;
    if (f.band && page.b !== f.band) return false;
    return true;
  }

  function link(docname) {
    const root = document.documentElement.dataset.content_root || "";
    const suffix = (window.DOCUMENTATION_OPTIONS && DOCUMENTATION_OPTIONS.LINK_SUFFIX) || ".html";
    return root + docname + suffix;
  }

  function metaLine(docname) {
    const page = state.data.pages[docname] || {};
    const bits = [state.data.types[page.t] || ""];
    const band = state.data.bands.find((b) => b[0] === page.b);
    if (band) bits.push(band[1]);
    if (page.m) bits.push(`${page.m} 分钟`);
    return bits.filter(Boolean).join(" · ");
  }

  function render() {
    const out = $("search-results");
    out.textContent = "";
    const query = state.query;
    if (!query) {
      out.appendChild(el("p", "search-summary", "输入词语或短语，例如“避孕方法”“青春期身体变化”，按回车搜索。"));
      return;
    }
    const phrases = parse(query);
    const heading = el("h2", null, "搜索结果");
    out.appendChild(heading);
    if (!phrases.length) {
      out.appendChild(el("p", "search-summary", `没有找到与“${query}”有关的页面。可以换一种说法，或者少用几个字再试。`));
      return;
    }
    const words = phrases.map((p) => (p.words.length ? p.words.join(" · ") : p.text));
    out.appendChild(el("p", "kb-search-words", `按词语查找：${words.join("，")}`));
    const { results, complete } = rank(phrases);
    const f = filters();
    const shown = results.filter((r) => passes(r.doc, f));
    const status = el("p", "search-summary");
    if (!results.length) status.textContent = `没有找到与“${query}”有关的页面。可以换一种说法，或者少用几个字再试。`;
    else if (!shown.length) status.textContent = `找到 ${results.length} 个页面，但没有符合筛选条件的。可以把筛选改为“全部”。`;
    else {
      status.textContent = shown.length === results.length ? `找到 ${results.length} 个页面。`
        : `找到 ${results.length} 个页面，其中 ${shown.length} 个符合筛选条件。`;
      if (!complete) status.textContent += "没有页面同时包含所有词语，下面是包含其中一部分的页面。";
    }
    out.appendChild(status);
    const list = el("ul", "search");
    list.setAttribute("role", "list");
    const { docnames, titles } = state.index;
    const observer = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
      entries.filter((e) => e.isIntersecting).forEach((e) => {
        observer.unobserve(e.target);
        loadText(e.target.dataset.docname);
      });
    }, { rootMargin: "200px" }) : null;
    shown.forEach((r, i) => {
      const docname = docnames[r.doc];
      const item = el("li", "kb-search-result");
      item.dataset.docname = docname;
      const a = el("a", null, titles[r.doc]);
      a.href = link(docname);
      item.appendChild(a);
      item.appendChild(el("p", "kb-result-meta", metaLine(docname)));
      const snippet = el("p", "context", (state.data.pages[docname] || {}).s || "");
      item.appendChild(snippet);
      list.appendChild(item);
      if (i < SNIPPET_PAGES) loadText(docname);
      else if (observer) observer.observe(item);
    });
    out.appendChild(list);
    const terms = [...new Set(phrases.flatMap((p) => [p.text, ...p.alts.flatMap((a) => a.words), ...p.contains]))];
    // single characters are marked only when the query is one
    state.terms = (terms.some((t) => t.length > 1) ? terms.filter((t) => t.length > 1) : terms)
      .sort((a, b) => b.length - a.length);
    shown.forEach((r) => fillSnippets(docnames[r.doc]));
  }

  function loadText(docname) {
    if (state.texts.has(docname) || document.querySelector(`script[data-kb-text="${CSS.escape(docname)}"]`)) return;
    const root = document.documentElement.dataset.content_root || "";
    const script = document.createElement("script");
    script.src = `${root}_static/kb-search-text/${docname}.js`;
    script.dataset.kbText = docname;
    document.body.appendChild(script);
  }

  /** Up to 160 characters of the page's text around the best place for the query. */
  function fillSnippets(docname) {
    const text = state.texts.get(docname);
    if (!text || !state.terms) return;
    const lower = text.toLowerCase();
    let pos = -1;
    let bestHits = 0;
    for (const term of state.terms) {
      let at = lower.indexOf(term);
      while (at >= 0) {
        const window_ = lower.substr(Math.max(0, at - 30), 160);
        const hits = state.terms.filter((t) => window_.includes(t)).length;
        if (hits > bestHits) { bestHits = hits; pos = at; }
        at = lower.indexOf(term, at + term.length);
        if (bestHits === state.terms.length) break;
      }
    }
    if (pos < 0) return;
    const startAt = Math.max(0, pos - 30);
    const piece = text.substr(startAt, 160);
    const para = el("p", "context");
    if (startAt > 0) para.appendChild(document.createTextNode("……"));
    const pattern = new RegExp(state.terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
    let last = 0;
    for (const m of piece.matchAll(pattern)) {
      para.appendChild(document.createTextNode(piece.slice(last, m.index)));
      para.appendChild(el("mark", null, m[0]));
      last = m.index + m[0].length;
    }
    para.appendChild(document.createTextNode(piece.slice(last)));
    if (startAt + 160 < text.length) para.appendChild(document.createTextNode("……"));
    document.querySelectorAll(`#search-results li[data-docname="${CSS.escape(docname)}"] p.context`)
      .forEach((old) => old.replaceWith(para.cloneNode(true)));
  }

  function start() {
    if (state.ready || !state.index || !state.data || document.readyState === "loading") return;
    state.ready = true;
    buildVocab();
    const p = params();
    state.query = (p.get("q") || "").trim();
    document.querySelectorAll('input[name="q"]').forEach((input) => { input.value = state.query; });
    for (const [name, id] of [["aud", "kb-search-aud"], ["band", "kb-search-band"]]) {
      const select = $(id);
      if (!select) continue;
      if (p.get(name) && [...select.options].some((o) => o.value === p.get(name))) select.value = p.get(name);
      select.addEventListener("change", () => {
        const q = params();
        if (select.value) q.set(name, select.value); else q.delete(name);
        window.history.replaceState(null, "", `${window.location.pathname}?${q.toString()}`);
        render();
      });
    }
    render();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
})();
