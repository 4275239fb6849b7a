// Counselor console. Talks to /console/api (session cookie) and, for the test chat, to the Rasa REST channel
// as a client would. Everything is rendered with textContent / createElement, never as HTML.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  let meta = null;
  let view = null;
  let conversation = null;
  let currentIntake = null;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function show(value) {
    if (value === null || value === undefined) return "–";
    return Array.isArray(value) ? value.join(", ") : String(value);
  }

  async function api(path, body) {
    const options = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    const response = await fetch("/console/api/" + path, { credentials: "same-origin", ...options });
    if (response.status === 401) { location.href = "/console/login"; throw new Error("logged out"); }
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  // ---- at a glance ---------------------------------------------------------------------------------
  function renderEvents(list, items, empty) {
    clear(list);
    if (!items.length) { list.appendChild(el("li", empty, "empty")); return; }
    items.forEach((event) => {
      const item = el("li");
      item.appendChild(el("span", `${event.created_at} · ${event.category} · conversation ${event.conversation_id.slice(0, 14)}…`));
      const button = el("button", "Mark handled", "small");
      button.type = "button";
      button.addEventListener("click", async () => {
        await api("events/handled", { id: event.id });
        loadOverview();
      });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  async function loadOverview() {
    meta = await api("overview");
    $("who").textContent = "Logged in as " + meta.counselor;
    $("handoff-count").textContent = meta.events.handoff.length;
    $("crisis-count").textContent = meta.events.crisis.length;
    renderEvents($("handoffs"), meta.events.handoff, "No open handoff requests.");
    renderEvents($("crises"), meta.events.crisis, "No open crisis events.");
  }

  // ---- test chat ---------------------------------------------------------------------------------------
  async function newConversation() {
    // The Rasa server issues conversation ids (bot/sessions.py); "console" gives the prefix the inspector reads.
    conversation = null;
    try {
      const response = await fetch(meta.rasa_url + "/webhooks/rest/session", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ purpose: "console" }),
      });
      conversation = (await response.json()).sender;
      sessionStorage.setItem("console-conversation", conversation);
    } catch (error) {
      $("chat-status").textContent = "The assistant did not answer (" + error.message + ").";
    }
    clear($("chat-log"));
    view = null;
    renderInspector();
  }

  function addChat(text, who, extra) {
    const div = el("div", null, "msg " + who + (extra ? " " + extra : ""));
    div.appendChild(el("span", who === "user" ? "Client: " : "Assistant: ", "visually-hidden"));
    div.appendChild(el("span", text, "text"));
    $("chat-log").appendChild(div);
    $("chat-log").scrollTop = $("chat-log").scrollHeight;
    return div;
  }

  function renderReply(message) {
    const custom = message.custom || {};
    const kind = { recommendation: "card", crisis: "crisis", faq: "faq" }[custom.type] || "";
    const div = addChat(message.text || "", "bot", kind);
    if (custom.type) div.appendChild(el("span", `[${custom.type}${custom.level ? ": " + custom.level : ""}${custom.topic ? ": " + custom.topic : ""}]`, "tag"));
    if (Array.isArray(custom.sources) && custom.sources.length) div.appendChild(el("span", "Sources: " + custom.sources.join(", "), "tag"));
    if (Array.isArray(custom.resources)) {
      const links = el("span", null, "tag");
      custom.resources.filter((r) => /^(tel|sms):\+?\d{3,15}$/.test(r.href)).forEach((r) => {
        const a = el("a", r.label);
        a.href = r.href;
        links.appendChild(a);
        links.appendChild(document.createTextNode(" "));
      });
      div.appendChild(links);
    }
    (message.buttons || []).forEach((b) => {
      const button = el("button", b.title, "small quick");
      button.type = "button";
      button.addEventListener("click", () => say(b.payload, b.title));
      div.appendChild(button);
    });
  }

  async function say(text, shown) {
    if (!conversation) await newConversation();
    addChat(shown || text, "user");
    $("chat-status").textContent = "Waiting for the assistant…";
    try {
      const response = await fetch(meta.rasa_url + "/webhooks/rest/webhook", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: conversation, message: text }),
      });
      const replies = await response.json();
      replies.forEach(renderReply);
      await refreshInspector();
      $("chat-status").textContent = "";
    } catch (error) {
      $("chat-status").textContent = "The assistant did not answer (" + error.message + ").";
      await refreshInspector();
    }
  }

  async function refreshInspector() {
    try {
      view = await api("inspect?conversation=" + encodeURIComponent(conversation));
      renderInspector();
    } catch (error) {
      $("inspector-status").textContent = "Inspector: " + error.message;
    }
  }

  function emptyRow(body, text, columns) {
    const row = el("tr");
    const cell = el("td", text);
    cell.colSpan = columns;
    row.appendChild(cell);
    body.appendChild(row);
  }

  function criterionLabel(id) {
    const found = meta && meta.criteria.find((c) => c.id === id);
    return found ? found.label : id;
  }

  function renderInspector() {
    const entities = $("entities");
    clear(entities);
    clear($("dimensions"));
    clear($("whatif-result"));
    if (!view) {
      $("intent").textContent = "–";
      $("requested").textContent = "–";
      $("recommendation").replaceChildren(el("p", "None yet."));
      $("inspector-status").textContent = "New conversation.";
      return;
    }
    const intent = view.intent;
    $("intent").textContent = intent ? `${intent.name} (${Number(intent.confidence || 0).toFixed(2)})` +
      (intent.name === "faq" && intent.faq_topic ? ` · ${intent.faq_topic} (${Number(intent.faq_confidence || 0).toFixed(2)})` : "") : "–";
    $("requested").textContent = view.requested_slot ? `${view.requested_label} (${view.requested_slot})` : "–";
    if (!view.entities.length) emptyRow(entities, "None", 4);
    view.entities.forEach((e) => {
      const row = el("tr");
      [e.entity, show(e.value), e.matched ? `“${e.matched}”` : "–", e.extractor || "–"].forEach((v) => row.appendChild(el("td", v)));
      entities.appendChild(row);
    });
    renderRecommendation($("recommendation"), view.recommendation, view.recommendation_status);
    view.dimensions.forEach((dimension) => {
      const box = el("div", null, "dimension");
      box.appendChild(el("h5", `Dimension ${dimension.dimension}: ${dimension.name}`));
      if (!dimension.criteria.length) {
        box.appendChild(el("p", "No criterion of this intake covers this dimension.", "empty"));
      } else {
        const table = el("table", null, "grid criteria");
        const head = el("tr");
        ["Criterion", "Value", "From the message"].forEach((h) => { const th = el("th", h); th.scope = "col"; head.appendChild(th); });
        table.appendChild(el("thead")).appendChild(head);
        const body = el("tbody");
        dimension.criteria.forEach((c) => {
          const row = el("tr", null, c.value === null ? "unset" : "set");
          if (c.id === view.requested_slot) row.classList.add("requested");
          row.dataset.criterion = c.id;
          const th = el("th", c.label);
          th.scope = "row";
          row.appendChild(th);
          row.appendChild(el("td", c.described, "value"));
          row.appendChild(el("td", c.message ? `“${c.message}”` : "–", "origin"));
          body.appendChild(row);
        });
        table.appendChild(body);
        box.appendChild(table);
      }
      $("dimensions").appendChild(box);
    });
    const known = view.criteria.filter((c) => c.value !== null).length;
    $("inspector-status").textContent = `${known} of ${view.criteria.length} criteria known` +
      (view.recommendation ? `; recommendation ${view.recommendation.level} (${view.recommendation_status})` : "") +
      (view.in_crisis ? "; in crisis" : "") +
      `; consent to store: ${view.consent || "not asked yet"}`;
    fillWhatIfValues();
  }

  function renderRecommendation(box, rec, status) {
    clear(box);
    if (!rec) { box.appendChild(el("p", "None yet.")); return; }
    const title = el("p", null, "level");
    title.appendChild(el("strong", rec.level.toUpperCase()));
    title.appendChild(document.createTextNode(` · track ${rec.track}` + (rec.review ? " · flagged for review" : "") +
      (status ? ` · ${status === "sent" ? "sent to the client" : "provisional, from the answers so far"}` : "")));
    box.appendChild(title);
    const list = el("ul", null, "reasons");
    (rec.reasons || []).forEach((r) => {
      const item = el("li");
      item.appendChild(el("span", r.explanation));
      item.appendChild(el("span", ` (${r.rule}; ${r.criterion}; sources ${(r.sources || []).join(", ") || "–"})`, "muted"));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (rec.missing && rec.missing.length) box.appendChild(el("p", "Missing: " + rec.missing.map(criterionLabel).join(", ")));
    box.appendChild(el("p", "Sources: " + (rec.sources || []).join(", "), "muted"));
  }

  // ---- what-if ---------------------------------------------------------------------------------------------
  function fillWhatIfCriteria() {
    const select = $("whatif-criterion");
    clear(select);
    meta.criteria.forEach((c) => {
      const option = el("option", c.label);
      option.value = c.id;
      select.appendChild(option);
    });
    fillWhatIfValues();
  }

  function fillWhatIfValues() {
    if (!meta) return;
    const c = meta.criteria.find((x) => x.id === $("whatif-criterion").value) || meta.criteria[0];
    const select = $("whatif-value");
    const previous = select.value;
    clear(select);
    $("whatif-hours").hidden = !c.numeric;
    select.hidden = c.numeric;
    [...(c.numeric ? [] : c.values), "unknown", ""].forEach((value) => {
      const option = el("option", value === "" ? "(not answered)" : value);
      option.value = value;
      select.appendChild(option);
    });
    if ([...select.options].some((o) => o.value === previous)) select.value = previous;
  }

  async function runWhatIf(event) {
    event.preventDefault();
    const criterion = $("whatif-criterion").value;
    const numeric = meta.criteria.find((c) => c.id === criterion).numeric;
    const value = numeric ? $("whatif-hours").value : $("whatif-value").value;
    const box = $("whatif-result");
    clear(box);
    try {
      const result = await api("whatif", { answers: (view && view.answers) || {}, criterion: criterion, value: value });
      const now = el("div", null, "half");
      now.appendChild(el("h5", "Now"));
      renderRecommendation(now.appendChild(el("div")), result.before);
      const then = el("div", null, "half");
      then.appendChild(el("h5", `If ${criterionLabel(criterion)} were ${show(result.to) === "–" ? "not answered" : show(result.to)}`));
      renderRecommendation(then.appendChild(el("div")), result.after);
      const diff = result.differences;
      const summary = el("ul", null, "diff");
      Object.entries(diff.changed).forEach(([field, change]) => summary.appendChild(el("li", `${field}: ${show(change.before)} → ${show(change.after)}`, "changed")));
      diff.reasons_added.forEach((r) => summary.appendChild(el("li", "+ " + r.explanation, "added")));
      diff.reasons_removed.forEach((r) => summary.appendChild(el("li", "− " + r.explanation, "removed")));
      if (!summary.childNodes.length) summary.appendChild(el("li", "No change to the recommendation or its reasons."));
      box.appendChild(el("h5", "What changes"));
      box.appendChild(summary);
      box.appendChild(now);
      box.appendChild(then);
    } catch (error) {
      box.appendChild(el("p", "What-if failed: " + error.message, "error"));
    }
  }

  // ---- scenarios ---------------------------------------------------------------------------------------------
  let scenarios = [];
  async function loadScenarios() {
    scenarios = (await api("scenarios")).scenarios;
    const select = $("scenario");
    scenarios.forEach((s) => {
      const option = el("option", s.title);
      option.value = s.id;
      select.appendChild(option);
    });
  }

  async function runScenario() {
    const scenario = scenarios.find((s) => s.id === $("scenario").value);
    if (!scenario) return;
    await newConversation();
    $("run-scenario").disabled = true;
    for (const message of scenario.messages) await say(message);
    $("run-scenario").disabled = false;
  }

  // ---- intakes ------------------------------------------------------------------------------------------------
  function filterQuery() {
    const params = new URLSearchParams();
    ["level", "from", "to", "review", "crisis"].forEach((name) => {
      const value = $("filters").elements[name].value;
      if (value) params.set(name, value);
    });
    return params.toString();
  }

  async function loadIntakes(event) {
    if (event) event.preventDefault();
    const query = filterQuery();
    $("export").href = "/console/api/export.csv" + (query ? "?" + query : "");
    const data = await api("intakes" + (query ? "?" + query : ""));
    const rows = $("intake-rows");
    clear(rows);
    $("intake-caption").textContent = `Stored intakes: ${data.intakes.length}`;
    if (!data.intakes.length) emptyRow(rows, "No intakes match these filters.", 7);
    data.intakes.forEach((intake) => {
      const row = el("tr");
      row.dataset.intake = intake.intake_id;
      [intake.completed_at, intake.level, intake.track, intake.review ? "flagged" : "–", intake.crisis ? "yes" : "–",
        intake.disposition ? meta.dispositions[intake.disposition] : "–"].forEach((v) => row.appendChild(el("td", v)));
      const cell = el("td");
      const open = el("button", "Open", "small");
      open.type = "button";
      open.setAttribute("aria-label", `Open the intake completed ${intake.completed_at}`);
      open.addEventListener("click", () => openIntake(intake.intake_id));
      cell.appendChild(open);
      row.appendChild(cell);
      rows.appendChild(row);
    });
  }

  async function openIntake(id, focus = true) {
    const intake = await api("intake?id=" + encodeURIComponent(id));
    currentIntake = intake;
    const facts = $("detail-facts");
    clear(facts);
    [["Completed", intake.completed_at], ["Level", intake.level], ["Track", intake.track],
      ["Review", intake.review ? "flagged" : "no"], ["Crisis", intake.crisis ? "yes" : "no"],
      ["Missing answers", show(intake.missing.length ? intake.missing : null)], ["Rule version", intake.rule_version],
      ["Events", intake.events.map((e) => `${e.kind} (${e.category}, ${e.status})`).join("; ") || "none"],
      ["Disposition", intake.disposition ? `${meta.dispositions[intake.disposition]} by ${intake.counselor}, ${intake.disposition_at}` : "none yet"],
    ].forEach(([k, v]) => { facts.appendChild(el("dt", k)); facts.appendChild(el("dd", v)); });
    const reasons = $("detail-reasons");
    clear(reasons);
    intake.reasons.forEach((r) => reasons.appendChild(el("li", `${r.explanation} (${r.rule}; sources ${r.sources.join(", ") || "–"})`)));
    const criteria = $("detail-criteria");
    clear(criteria);
    Object.entries(intake.criteria).forEach(([key, value]) => {
      const row = el("tr");
      const th = el("th", criterionLabel(key));
      th.scope = "row";
      row.appendChild(th);
      row.appendChild(el("td", show(value)));
      criteria.appendChild(row);
    });
    $("disposition").value = intake.disposition || "agree";
    $("note").value = intake.note || "";
    $("disposition-status").textContent = "";
    $("detail").hidden = false;
    if (focus) $("detail").focus();
  }

  async function saveDisposition(event) {
    event.preventDefault();
    if (!currentIntake) return;
    try {
      await api("disposition", { intake_id: currentIntake.intake_id, disposition: $("disposition").value, note: $("note").value });
      await loadIntakes();
      await openIntake(currentIntake.intake_id, false);
      $("disposition-status").textContent = "Disposition saved.";
    } catch (error) {
      $("disposition-status").textContent = "Not saved: " + error.message;
    }
  }

  // ---- start -----------------------------------------------------------------------------------------------------
  async function start() {
    await loadOverview();
    Object.entries(meta.dispositions).forEach(([value, label]) => {
      const option = el("option", label);
      option.value = value;
      $("disposition").appendChild(option);
    });
    meta.levels.forEach((level) => {
      const option = el("option", level);
      option.value = level;
      $("f-level").appendChild(option);
    });
    fillWhatIfCriteria();
    await loadScenarios();
    conversation = sessionStorage.getItem("console-conversation");
    if (conversation) await refreshInspector();
    else await newConversation();
    await loadIntakes();
    $("chat-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("chat-input").value.trim();
      $("chat-input").value = "";
      if (text) say(text);
    });
    $("reset").addEventListener("click", async () => { await newConversation(); $("chat-input").focus(); });
    $("run-scenario").addEventListener("click", runScenario);
    $("whatif-criterion").addEventListener("change", fillWhatIfValues);
    $("whatif-form").addEventListener("submit", runWhatIf);
    $("filters").addEventListener("submit", loadIntakes);
    $("disposition-form").addEventListener("submit", saveDisposition);
    document.body.dataset.ready = "true";
  }
  start();
})();
