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

  // ---- times: local, and how long ago ----------------------------------------------------------------
  function when(iso) {
    if (!iso) return "–";
    const date = new Date(iso);
    if (isNaN(date)) return String(iso);
    const minutes = Math.round((Date.now() - date.getTime()) / 60000);
    const ago = minutes < 1 ? "just now" : minutes < 60 ? `${minutes} min ago`
      : minutes < 48 * 60 ? `${Math.round(minutes / 60)} h ago` : `${Math.round(minutes / 1440)} days ago`;
    return `${ago} (${date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" })})`;
  }
  function timeCell(iso) {
    const cell = el("td", when(iso).replace(/ \(.*/, ""));
    cell.title = when(iso);
    return cell;
  }
  function levelName(code) { return (meta && meta.levels[code]) || code || "–"; }
  function kindName(item) {
    const kind = meta.kinds[item.kind] || item.kind;
    return item.kind === "crisis" ? `${kind}: ${meta.crisis_labels[item.category] || item.category}` : kind;
  }

  // ---- views: one at a time, chosen by the address (#queue, #item/12, #intakes, #intake/<id>, #test-chat) ----
  let chatStarted = false;
  async function route() {
    const [name, ...rest] = (location.hash.slice(1) || "queue").split("/");
    const arg = decodeURIComponent(rest.join("/"));
    const view = { queue: "queue", item: "item", intakes: "intakes", intake: "intake", "test-chat": "test-chat" }[name] || "queue";
    document.querySelectorAll("main > .view").forEach((section) => { section.hidden = section.id !== view; });
    document.querySelectorAll("nav a[data-view]").forEach((a) => {
      const current = a.dataset.view === view || (a.dataset.view === "queue" && view === "item")
        || (a.dataset.view === "intakes" && view === "intake");
      if (current) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    try {
      if (view === "queue") await loadQueue();
      else if (view === "item") await openItem(arg);
      else if (view === "intakes") await loadIntakes();
      else if (view === "intake") await openIntake(arg);
      else if (view === "test-chat" && !chatStarted) {
        chatStarted = true;
        conversation = sessionStorage.getItem("console-conversation");
        if (conversation) await refreshInspector();
        else await newConversation();
      }
    } catch (error) {
      document.getElementById(view).prepend(el("p", "Could not load: " + error.message, "error"));
    }
  }

  async function loadOverview() {
    meta = await api("overview");
    $("who").textContent = "Logged in as " + meta.counselor;
    $("open-count").textContent = Object.values(meta.open).reduce((a, b) => a + b, 0);
    $("open-count").setAttribute("aria-label", "open items: " + $("open-count").textContent);
  }

  // ---- the work queue ------------------------------------------------------------------------------------
  let queuePage = 1;
  function queueQuery() {
    const form = $("queue-filters").elements;
    const params = new URLSearchParams();
    params.set("status", form.status.value);
    ["kind", "level", "from", "to", "q"].forEach((name) => { if (form[name].value) params.set(name, form[name].value); });
    if (form.mine.checked) params.set("assignee", meta.counselor);
    params.set("page", String(queuePage));
    return params.toString();
  }

  async function loadQueue() {
    const data = await api("queue?" + queueQuery());
    const rows = $("queue-rows");
    clear(rows);
    $("queue-caption").textContent = `Work queue: ${data.total} items`;
    if (!data.items.length) emptyRow(rows, "Nothing in the queue matches these filters.", 7);
    data.items.forEach((item) => {
      const row = el("tr", null, "kind-" + item.kind + " status-" + item.status);
      row.appendChild(timeCell(item.created_at));
      row.appendChild(el("td", kindName(item)));
      row.appendChild(el("td", item.reference || "(anonymous)"));
      row.appendChild(el("td", levelName(item.level)));
      row.appendChild(el("td", meta.statuses[item.status] || item.status));
      row.appendChild(el("td", item.assignee || "–"));
      const cell = el("td");
      const open = el("a", "Open", "button-link small");
      open.href = "#item/" + item.id;
      open.setAttribute("aria-label", `Open: ${kindName(item)}, ${item.reference || "anonymous"}, ${when(item.created_at)}`);
      cell.appendChild(open);
      row.appendChild(cell);
      rows.appendChild(row);
    });
    $("q-page").textContent = `Page ${data.page} of ${data.pages} (${data.total} items)`;
    $("q-prev").disabled = data.page <= 1;
    $("q-next").disabled = data.page >= data.pages;
  }

  let currentItem = null;
  async function openItem(id) {
    const item = await api("queue/item?id=" + encodeURIComponent(id));
    currentItem = item;
    $("item-title").textContent = `${kindName(item)} · ${item.reference || "anonymous"}`;
    const facts = $("item-facts");
    clear(facts);
    const add = (label, value) => { facts.appendChild(el("dt", label)); facts.appendChild(value instanceof Node ? value : el("dd", value)); };
    add("Came in", when(item.created_at));
    add("Status", meta.statuses[item.status] || item.status);
    add("Assigned to", item.assignee || "nobody yet");
    add("Level suggested", levelName(item.level));
    if (item.intake_id) {
      const dd = el("dd");
      const a = el("a", "Open the intake");
      a.href = "#intake/" + encodeURIComponent(item.intake_id);
      dd.appendChild(a);
      add("Intake", dd);
    }
    if (item.callback) {
      const cb = item.callback;
      if (cb.erased_at) add("Contact", "erased " + when(cb.erased_at) + " (kept 30 days after closing)");
      else {
        add("First name", cb.first_name || "not given");
        const dd = el("dd");
        const a = el("a", cb.contact);
        a.href = (cb.contact_kind === "email" ? "mailto:" : "tel:") + cb.contact;
        dd.appendChild(a);
        add(cb.contact_kind === "email" ? "Email" : "Phone", dd);
      }
      add("Best time", cb.best_time_label || "any time");
    }
    const select = $("item-status");
    clear(select);
    Object.entries(meta.statuses).forEach(([value, label]) => {
      const option = el("option", label);
      option.value = value;
      select.appendChild(option);
    });
    select.value = item.status;
    $("item-assignee").value = item.assignee || "";
    $("item-note").value = "";
    const history = $("item-history");
    clear(history);
    if (!item.history.length) history.appendChild(el("li", "No changes yet.", "empty"));
    item.history.forEach((entry) => {
      const changes = Object.entries(entry.change).map(([key, [from, to]]) => key === "status"
        ? `status ${meta.statuses[from] || from} → ${meta.statuses[to] || to}` : `assigned ${from || "nobody"} → ${to || "nobody"}`);
      const li = el("li");
      li.appendChild(el("span", `${when(entry.at)} · ${entry.counselor}${changes.length ? ": " + changes.join(", ") : ""}`));
      if (entry.note) li.appendChild(el("p", entry.note, "note"));
      history.appendChild(li);
    });
    $("item-title").focus();
  }

  async function saveItem(event) {
    event.preventDefault();
    if (!currentItem) return;
    try {
      await api("queue/update", { id: currentItem.id, status: $("item-status").value, assignee: $("item-assignee").value,
        note: $("item-note").value });
      await openItem(currentItem.id);
      await loadOverview();
      $("item-saved").textContent = "Saved.";
    } catch (error) {
      $("item-saved").textContent = "Not saved: " + error.message;
    }
  }

  // ---- test chat ---------------------------------------------------------------------------------------
  async function newConversation() {
    // The Rasa server issues conversation ids (bot/app/sessions.py); "console" gives the prefix the inspector reads.
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
      row.appendChild(timeCell(intake.completed_at));
      [intake.reference, levelName(intake.level), intake.review ? "flagged" : "–", intake.crisis ? "yes" : "–",
        intake.disposition ? meta.dispositions[intake.disposition] : "–"].forEach((v) => row.appendChild(el("td", v)));
      const cell = el("td");
      const open = el("a", "Open", "button-link small");
      open.href = "#intake/" + encodeURIComponent(intake.intake_id);
      open.setAttribute("aria-label", `Open the intake completed ${when(intake.completed_at)}`);
      cell.appendChild(open);
      row.appendChild(cell);
      rows.appendChild(row);
    });
  }

  function describeAnswer(criterion, value) {
    if (value === null || value === undefined || value === "") return "not answered";
    if (value === "unknown") return "not sure / skipped";
    if (criterion.numeric) return `${value} hours a week`;
    const label = (v) => (criterion.value_labels && criterion.value_labels[v]) || String(v).replace(/_/g, " ");
    return Array.isArray(value) ? value.map(label).join(", ") : label(value);
  }

  async function openIntake(id) {
    const intake = await api("intake?id=" + encodeURIComponent(id));
    currentIntake = intake;
    $("detail-title").textContent = `Intake ${intake.reference} · ${levelName(intake.level)}`;
    const facts = $("detail-facts");
    clear(facts);
    [["Completed", when(intake.completed_at)], ["Suggested level", levelName(intake.level)], ["Track", intake.track],
      ["Review", intake.review ? "flagged for review" : "no"], ["Crisis during the chat", intake.crisis ? "yes" : "no"],
      ["Missing answers", intake.missing.length ? intake.missing.map(criterionLabel).join(", ") : "none"],
      ["Rule version", intake.rule_version],
      ["Events", intake.events.map((e) => `${e.kind === "crisis" ? meta.crisis_labels[e.category] || e.category : "asked for a person"} (${when(e.created_at)})`).join("; ") || "none"],
    ].forEach(([k, v]) => { facts.appendChild(el("dt", k)); facts.appendChild(el("dd", v)); });
    const reasons = $("detail-reasons");
    clear(reasons);
    intake.reasons.forEach((r) => {
      const li = el("li", r.explanation);
      li.appendChild(el("span", ` (${r.rule}; sources ${r.sources.join(", ") || "–"})`, "muted"));
      reasons.appendChild(li);
    });
    const box = $("detail-dimensions");
    clear(box);
    Object.entries(meta.dimensions).forEach(([number, name]) => {
      const criteria = meta.criteria.filter((c) => String(c.dimension) === String(number));
      if (!criteria.length) return;
      const table = el("table", null, "grid criteria");
      table.appendChild(el("caption", `Dimension ${number}: ${name}`));
      const body = el("tbody");
      criteria.forEach((c) => {
        const row = el("tr", null, intake.criteria[c.id] === undefined ? "unset" : "set");
        const th = el("th", c.label);
        th.scope = "row";
        row.appendChild(th);
        row.appendChild(el("td", describeAnswer(c, intake.criteria[c.id]), "value"));
        const words = el("td", null, "own-words");
        words.dataset.criterion = c.id;
        row.appendChild(words);
        body.appendChild(row);
      });
      table.appendChild(body);
      box.appendChild(table);
    });
    loadConversation(intake.intake_id);
    $("detail-saved").textContent = intake.disposition
      ? `Saved: ${meta.dispositions[intake.disposition]}${intake.placed_level ? " — " + levelName(intake.placed_level) : ""}, by ${intake.counselor}, ${when(intake.disposition_at)}.` +
        (intake.note ? ` Note: ${intake.note}` : "")
      : "No disposition yet.";
    $("disposition").value = intake.disposition || "agree";
    $("placed-level").value = intake.placed_level || "";
    showLevelChoice();
    $("note").value = intake.note || "";
    $("disposition-status").textContent = "";
    $("detail-title").focus();
  }

  // The person's own words beside each answer, and the transcript: read from the stored conversation.
  async function loadConversation(id) {
    const list = $("detail-transcript");
    clear(list);
    $("detail-transcript-status").textContent = "Reading the conversation…";
    let record;
    try {
      record = await api("intake/conversation?id=" + encodeURIComponent(id));
    } catch (error) {
      $("detail-transcript-status").textContent = "The conversation could not be read: " + error.message;
      return;
    }
    if (!currentIntake || currentIntake.intake_id !== id) return;
    document.querySelectorAll("#detail-dimensions td.own-words").forEach((cell) => {
      const words = record.own_words[cell.dataset.criterion];
      cell.textContent = words ? `“${words}”` : "";
    });
    $("detail-transcript-status").textContent = record.stored
      ? `${record.transcript.length} messages.`
      : "This conversation is not stored (the person did not agree, or asked to delete it).";
    record.transcript.forEach((line) => {
      const li = el("li", null, line.who);
      li.appendChild(el("span", line.who === "person" ? "Person: " : "Assistant: ", "who"));
      li.appendChild(document.createTextNode(line.text));
      if (line.time) li.appendChild(el("span", ` ${new Date(line.time * 1000).toLocaleTimeString([], { timeStyle: "short" })}`, "muted"));
      list.appendChild(li);
    });
  }

  function showLevelChoice() {
    const needed = $("disposition").value === "different_level";
    $("placed-level").hidden = !needed;
    $("placed-level-label").hidden = !needed;
    $("placed-level").required = needed;
  }

  async function saveDisposition(event) {
    event.preventDefault();
    if (!currentIntake) return;
    try {
      await api("disposition", { intake_id: currentIntake.intake_id, disposition: $("disposition").value, note: $("note").value,
        level: $("disposition").value === "different_level" ? $("placed-level").value : null });
      await openIntake(currentIntake.intake_id);
      $("disposition-status").textContent = "Disposition saved.";
    } catch (error) {
      $("disposition-status").textContent = "Not saved: " + error.message;
    }
  }

  // ---- start -----------------------------------------------------------------------------------------------------
  async function start() {
    await loadOverview();
    const fill = (select, entries) => entries.forEach(([value, label]) => {
      const option = el("option", label);
      option.value = value;
      select.appendChild(option);
    });
    fill($("disposition"), Object.entries(meta.dispositions));
    fill($("placed-level"), [["", "choose a level"], ...Object.entries(meta.levels)]);
    fill($("f-level"), Object.entries(meta.levels));
    fill($("q-level"), Object.entries(meta.levels));
    fill($("q-kind"), Object.entries(meta.kinds));
    fill($("q-status"), Object.entries(meta.statuses));
    fillWhatIfCriteria();
    await loadScenarios();
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
    $("queue-filters").addEventListener("submit", (event) => { event.preventDefault(); queuePage = 1; loadQueue(); });
    $("q-prev").addEventListener("click", () => { queuePage = Math.max(1, queuePage - 1); loadQueue(); });
    $("q-next").addEventListener("click", () => { queuePage += 1; loadQueue(); });
    $("item-form").addEventListener("submit", saveItem);
    $("assign-me").addEventListener("click", () => { $("item-assignee").value = meta.counselor; });
    $("disposition").addEventListener("change", showLevelChoice);
    $("disposition-form").addEventListener("submit", saveDisposition);
    $("print").addEventListener("click", () => window.print());
    window.addEventListener("hashchange", route);
    await route();
    document.body.dataset.ready = "true";
  }
  start();
})();
