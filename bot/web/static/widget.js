/*
 * Intake assistant chat widget. Embed with one tag:
 *   <script src="https://your-server/widget.js" data-server-url="https://rasa.example.org"
 *           data-title="Talk to our intake team" data-primary-color="#2e5e4e" defer></script>
 * Options (data-attributes): server-url (the Rasa server), title, subtitle, primary-color,
 * background-color, open ("true" to start open), launcher-label, phone and hours (the program's intake
 * line and when it answers, offered as a next step).
 * The call-back form and the source titles come from the server this script is loaded from (api/...).
 * It talks to Rasa's socket.io channel, keeps the conversation in sessionStorage (survives a reload
 * in this tab, not left on a shared computer), reconnects with the same session id, and renders
 * everything with textContent / createElement: nothing the user or the bot sends is parsed as HTML.
 */
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || window.__intakeWidgetLoaded) return;
  window.__intakeWidgetLoaded = true;

  const base = new URL(".", script.src);
  const data = script.dataset;
  const options = {
    serverUrl: (data.serverUrl || "http://localhost:5005").replace(/\/+$/, ""),
    title: data.title || "Find the right care",
    subtitle: data.subtitle || "Confidential questions, a suggestion, and why",
    primary: validColor(data.primaryColor) || "#0b5cad",
    background: validColor(data.backgroundColor) || "#ffffff",
    launcherLabel: data.launcherLabel || "Chat with us",
    open: data.open === "true",
    phone: /^[+\d(][\d\s().-]{5,24}$/.test(data.phone || "") ? data.phone : "",
    hours: data.hours || "",
  };
  const STORAGE_KEY = "intake-widget:" + options.serverUrl;
  const MAX_STORED = 300;
  const PROGRAM_FIELDS = [
    ["days_per_week", "Days"], ["hours_per_week", "Hours"], ["session_length", "Sessions"],
    ["typical_length", "How long"], ["setting", "Setting"],
  ];
  const CRISIS_LINKS = [
    { label: "Call 988", href: "tel:988" },
    { label: "Text 988", href: "sms:988" },
    { label: "Call 911", href: "tel:911" },
    { label: "SAMHSA Helpline 1-800-662-4357", href: "tel:18006624357" },
  ];

  // ---- state: one conversation per tab -----------------------------------------------------------
  // The conversation id is issued by the server on the first session_request (bot/app/sessions.py) and kept here.
  const state = load() || { id: null, transcript: [], open: options.open, crisis: false };
  save();
  let socket = null;
  let ready = false;
  const outbox = [];
  let typingTimer = null;

  function load() {
    try {
      const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
      return stored && (typeof stored.id === "string" || stored.id === null) && Array.isArray(stored.transcript)
        ? stored : null;
    } catch (e) {
      return null;
    }
  }
  function save() {
    try {
      state.transcript = state.transcript.slice(-MAX_STORED);
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (e) {
      /* storage full or disabled: the conversation still works, it just won't survive a reload */
    }
  }

  // ---- colours: keep WCAG AA contrast whatever the provider picks --------------------------------
  function validColor(value) {
    return value && /^#[0-9a-fA-F]{6}$/.test(value) ? value : null;
  }
  function luminance(hex) {
    const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)));
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }
  function contrast(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }
  function readableOn(background) {
    return contrast(background, "#ffffff") >= contrast(background, "#111111") ? "#ffffff" : "#111111";
  }

  // ---- DOM (in a shadow root, so the host page's CSS and ours don't mix) ---------------------------
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value);
    });
    (children || []).forEach((child) => child && node.appendChild(child));
    return node;
  }

  const host = el("div", { id: "intake-widget", "data-intake-widget": "" });
  const root = host.attachShadow({ mode: "open" });
  const css = el("link", { rel: "stylesheet", href: new URL("widget.css", base).href });
  const primaryText = readableOn(options.primary);
  host.style.setProperty("--iw-primary", options.primary);
  host.style.setProperty("--iw-on-primary", primaryText);
  host.style.setProperty("--iw-background", options.background);
  host.style.setProperty("--iw-text", readableOn(options.background));

  const launcher = el("button", { type: "button", className: "launcher", "aria-expanded": "false",
    "aria-controls": "iw-panel", text: options.launcherLabel });
  const closeButton = el("button", { type: "button", className: "close", "aria-label": "Close the chat", text: "×" });
  const heading = el("h2", { id: "iw-title", text: options.title });
  const header = el("div", { className: "header" }, [
    el("div", {}, [heading, el("p", { className: "subtitle", text: options.subtitle })]), closeButton,
  ]);
  // One safety element at the top: a one-line note, which becomes the crisis bar after a crisis message.
  const safety = el("div", { className: "safety" }, [el("p", {}, [
    document.createTextNode("Not an emergency service. In danger? Call "),
    link("tel:911", "911"), document.createTextNode(", or call or text "), link("tel:988", "988"),
    document.createTextNode("."),
  ])]);
  const log = el("div", { className: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation", tabindex: "0" });
  const typing = el("div", { className: "typing", hidden: "", "aria-hidden": "true" }, [
    el("span", { className: "dots" }, [el("span"), el("span"), el("span")]),
    el("span", { text: "The assistant is typing" }),
  ]);
  const status = el("p", { className: "status", role: "status" });
  const input = el("input", { id: "iw-input", type: "text", autocomplete: "off", maxlength: "2000",
    placeholder: "Type your message" });
  const form = el("form", { className: "composer" }, [
    el("label", { for: "iw-input", className: "visually-hidden", text: "Your message" }), input,
    el("button", { type: "submit", className: "send", text: "Send" }),
  ]);
  const panel = el("section", { id: "iw-panel", className: "panel", "aria-labelledby": "iw-title", hidden: "" },
    [header, safety, log, typing, status, form]);
  root.append(css, panel, launcher);

  function link(href, text, className) {
    return el("a", { href: href, className: className || "", text: text });
  }

  // ---- rendering -------------------------------------------------------------------------------------
  function render(entry) {
    if (entry.from === "user") {
      log.appendChild(el("div", { className: "msg user" }, [
        el("span", { className: "visually-hidden", text: "You said: " }), el("span", { text: entry.text }),
      ]));
    } else {
      const node = log.appendChild(renderBot(entry.message || {}, entry));
      if (node.classList.contains("card")) {  // a recommendation opens at its headline, not its bottom
        log.scrollTop += node.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
        return;
      }
    }
    log.scrollTop = log.scrollHeight;
  }

  function renderBot(message, entry) {
    const custom = message.custom && typeof message.custom === "object" ? message.custom : {};
    if (custom.type === "crisis") return renderCrisis(message, custom, entry);
    const box = el("div", { className: "msg bot" + (custom.type === "recommendation" ? " card" : "") }, [
      el("span", { className: "visually-hidden", text: "Assistant: " }),
    ]);
    if (custom.type === "recommendation") {
      box.appendChild(el("h3", { text: "Suggested: " + String(custom.level_title || custom.level) }));
    }
    if (custom.type === "faq" && custom.title) {
      // Which question the answer is about, so a person sees at once when it was misunderstood.
      box.appendChild(el("p", { className: "topic", text: "About: " + String(custom.title) }));
    }
    if (message.text) {
      // The card shows the payload's parts itself; of the plain-text explanation it keeps the headline.
      const text = custom.type === "recommendation" ? String(message.text).split("\n\n")[0] : String(message.text);
      box.appendChild(el("p", { className: "text", text: text }));
    }
    if (custom.type === "recommendation") renderRecommendation(box, custom);
    else if (custom.type === "program") renderProgram(box, custom.program, "What it would look like");
    if (custom.type === "faq" || custom.type === "program") renderSources(box, custom.sources, custom.program);
    renderButtons(box, message, entry);
    if (custom.type === "recommendation" || custom.type === "handoff") renderNextStep(box);
    return box;
  }

  function renderButtons(box, message, entry) {
    const buttons = message.buttons || message.quick_replies || [];
    if (!Array.isArray(buttons) || !buttons.length) return;
    const row = el("div", { className: "buttons", role: "group", "aria-label": "Quick replies" });
    buttons.forEach((b) => {
      const button = el("button", { type: "button", className: "quick", text: String(b.title || b.payload) });
      if (entry.answered) button.disabled = true;
      button.addEventListener("click", () => {
        send(String(b.payload || b.title), String(b.title || b.payload));
        input.focus();  // the conversation goes on in the text box
      });
      row.appendChild(button);
    });
    box.appendChild(row);
  }

  function renderRecommendation(box, custom) {
    if (custom.first_step) {
      box.appendChild(el("p", { className: "first-step", text: "First step: " + String(custom.first_step) + "." }));
    }
    if (custom.review) {
      box.appendChild(el("p", { className: "review", text: "A counselor will go over this with you before anything is decided." }));
    }
    const reasons = (custom.reasons || []).filter((r) => r && r.explanation);
    if (reasons.length) {
      box.appendChild(el("h4", { text: "Why" }));
      box.appendChild(el("ul", { className: "reasons" }, reasons.map((r) => el("li", { text: String(r.explanation) }))));
    }
    renderProgram(box, custom.program, "What the program looks like");
    if (Array.isArray(custom.missing) && custom.missing.length) {
      box.appendChild(el("p", { className: "missing",
        text: "Still unknown: " + custom.missing.map((m) => String(m).replace(/_/g, " ")).join(", ") }));
    }
    renderSources(box, custom.sources, custom.program);
    box.appendChild(el("p", { className: "disclaimer",
      text: "A suggestion to discuss with the intake team, not a diagnosis; a clinician makes the final decision." }));
  }

  function renderProgram(box, program, title) {
    if (!program || typeof program !== "object" || !Object.keys(program).length) return;
    box.appendChild(el("h4", { text: title }));
    const list = el("dl", { className: "program" });
    PROGRAM_FIELDS.forEach(([key, label]) => {
      if (program[key]) list.append(el("dt", { text: label }), el("dd", { text: String(program[key]) }));
    });
    box.appendChild(list);
  }

  // "Where this comes from": the documents by title (fetched once from the widget's server), and where they differ.
  let titles = null;
  function sourceTitles() {
    if (!titles) {
      titles = fetch(new URL("api/sources", base).href).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
    }
    return titles;
  }

  function renderSources(box, sources, program) {
    if (!Array.isArray(sources) || !sources.length) return;
    const list = el("ul", {}, sources.map((id) => el("li", { "data-source": String(id), text: "Document " + String(id) })));
    const differences = program && Array.isArray(program.differences) ? program.differences : [];
    box.appendChild(el("details", { className: "sources" }, [
      el("summary", { text: "Where this comes from" }),
      el("p", { text: "Articles by treatment providers about levels of care:" }), list,
      differences.length ? el("p", { text: "Where they differ: " + differences.map(String).join(" ") }) : null,
    ]));
    sourceTitles().then((known) => list.querySelectorAll("li").forEach((item) => {
      const title = known[item.dataset.source];
      if (typeof title === "string") item.textContent = title + " (document " + item.dataset.source + ")";
    }));
  }

  // ---- the person's next step: a call back, the program's phone, or a question ------------------------------
  function renderNextStep(box) {
    const row = el("div", { className: "next-step" }, [el("h4", { text: "Next step" })]);
    const actions = el("div", { className: "buttons" });
    const callBack = el("button", { type: "button", className: "quick primary", text: "Request a call back" });
    callBack.addEventListener("click", () => openCallbackForm(callBack));
    actions.appendChild(callBack);
    if (options.phone) {
      actions.appendChild(link("tel:" + options.phone.replace(/[^\d+]/g, ""), "Call " + options.phone, "quick call"));
    }
    const ask = el("button", { type: "button", className: "quick", text: "Ask a question" });
    ask.addEventListener("click", () => {
      input.placeholder = "Ask about programs, hours, therapies or costs";
      input.focus();
    });
    actions.appendChild(ask);
    row.appendChild(actions);
    if (options.phone && options.hours) row.appendChild(el("p", { className: "hours", text: "Phone lines: " + options.hours }));
    box.appendChild(row);
  }

  let callbackWording = null;
  function openCallbackForm(opener) {
    const existing = log.querySelector("form.callback");
    if (existing) { existing.querySelector("input").focus(); return; }
    if (!callbackWording) {
      callbackWording = fetch(new URL("api/callback", base).href).then((r) => r.json());
    }
    callbackWording.then((wording) => {
      const n = Date.now();
      const field = (id, label, control) => el("p", { className: "field" }, [el("label", { for: id, text: label }), control]);
      const name = el("input", { id: "iw-cb-name-" + n, type: "text", autocomplete: "given-name", maxlength: "40" });
      const contact = el("input", { id: "iw-cb-contact-" + n, type: "text", autocomplete: "tel", maxlength: "254",
        required: "", "aria-describedby": "iw-cb-error-" + n });
      const time = el("select", { id: "iw-cb-time-" + n }, Object.entries(wording.best_times || {})
        .map(([value, label]) => el("option", { value: value, text: String(label) })));
      const consent = el("input", { id: "iw-cb-consent-" + n, type: "checkbox", required: "" });
      const problem = el("p", { id: "iw-cb-error-" + n, className: "form-error", role: "alert" });
      const submit = el("button", { type: "submit", className: "send", text: "Send my request" });
      const cancel = el("button", { type: "button", className: "quick", text: "Cancel" });
      const formBox = el("form", { className: "msg bot callback", "aria-labelledby": "iw-cb-title-" + n }, [
        el("h3", { id: "iw-cb-title-" + n, text: "Request a call back" }),
        el("p", { className: "hint", text: "Nothing here goes into the chat. A counselor calls or writes at the time you pick." }),
        field(name.id, "First name (optional)", name),
        field(contact.id, "Phone number or email", contact),
        field(time.id, "Best time to reach you", time),
        el("p", { className: "consent" }, [consent, el("label", { for: consent.id, text: String(wording.consent || "") })]),
        problem,
        el("div", { className: "buttons" }, [submit, cancel]),
      ]);
      cancel.addEventListener("click", () => { formBox.remove(); opener.focus(); });
      formBox.addEventListener("submit", (event) => {
        event.preventDefault();
        problem.textContent = "";
        submit.disabled = true;
        fetch(new URL("api/callback", base).href, {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ conversation_id: state.id || "", first_name: name.value, contact: contact.value,
            best_time: time.value, consent: consent.checked }),
        }).then((r) => r.json().then((answer) => ({ ok: r.ok, answer: answer }))).then(({ ok, answer }) => {
          if (!ok) throw new Error(answer.error || "That did not work.");
          formBox.remove();
          // What stays in this tab's transcript: a thank-you, never the contact details.
          const entry = { from: "bot", message: { text: "Thank you. Our intake team will contact you (" +
            String(answer.best_time || "any time").toLowerCase() + "). If you need to talk to someone sooner, " +
            "call or text 988, or SAMHSA's free helpline 1-800-662-4357." } };
          state.transcript.push(entry);
          save();
          render(entry);
          input.focus();
        }).catch((error) => {
          problem.textContent = error.message === "Failed to fetch" ? "We could not send it. Please try again." : error.message;
          submit.disabled = false;
          contact.focus();
        });
      });
      log.appendChild(formBox);
      formBox.scrollIntoView({ block: "nearest" });
      contact.focus();
    }).catch(() => { status.textContent = "The call-back form could not load. Please call us instead."; });
  }

  function renderCrisis(message, custom, entry) {
    // The full crisis response, its follow-up, or a direct safety question (custom.check) with Yes / No.
    const links = crisisLinks(custom.resources);
    const banner = el("div", { className: "msg crisis" + (custom.check ? " check" : ""), role: "alert" }, [
      el("h3", { text: custom.check ? "Checking that you are safe" : "If you are in danger, get help now" }),
      message.text ? el("p", { className: "text", text: String(message.text) }) : null,
      el("div", { className: "crisis-links" }, links.map((l) => link(l.href, l.label, "crisis-link"))),
    ]);
    renderButtons(banner, message, entry);
    if (!custom.check) showPinnedCrisis();
    return banner;
  }

  function crisisLinks(resources) {
    const safe = (Array.isArray(resources) ? resources : [])
      .filter((r) => r && /^(tel|sms):\+?\d{3,15}$/.test(String(r.href)))
      .map((r) => ({ label: String(r.label || r.href), href: String(r.href) }));
    CRISIS_LINKS.forEach((l) => { if (!safe.some((s) => s.href === l.href)) safe.push(l); });
    return safe;
  }

  function showPinnedCrisis() {
    // The top safety note turns into the crisis bar: one element, with links big enough to tap.
    if (!state.crisis) { state.crisis = true; save(); }
    if (safety.classList.contains("crisis-pinned")) return;
    safety.className = "safety crisis-pinned";
    safety.replaceChildren(el("strong", { text: "Help right now:" }),
      ...CRISIS_LINKS.slice(0, 3).map((l) => link(l.href, l.label, "crisis-link")));
  }

  function disableOldButtons() {
    log.querySelectorAll("button.quick").forEach((b) => { b.disabled = true; });
    state.transcript.forEach((entry) => { entry.answered = true; });
  }

  // ---- talking to Rasa -----------------------------------------------------------------------------
  function send(text, shown) {
    disableOldButtons();
    const entry = { from: "user", text: shown || text };
    state.transcript.push(entry);
    save();
    render(entry);
    deliver(text);
  }

  function deliver(text) {
    showTyping(true);
    if (ready && socket) socket.emit("user_uttered", { message: text, session_id: state.id });
    else outbox.push(text);
  }

  // A reply that takes long is said so, never left as silence: after SLOW_MS a note, after GIVE_UP_MS what to do.
  const SLOW_MS = 12000;
  const GIVE_UP_MS = 30000;
  const SLOW_NOTE = "This is taking longer than usual…";
  const NO_REPLY_NOTE = "The assistant has not answered. Please send your message again in a moment. " +
    "If you need help now, call or text 988, or call 911 in an emergency.";
  let slowTimer = null;
  function showTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    clearTimeout(slowTimer);
    if ([SLOW_NOTE, NO_REPLY_NOTE].includes(status.textContent)) status.textContent = "";
    if (!on) return;
    slowTimer = setTimeout(() => { if (!status.textContent) status.textContent = SLOW_NOTE; }, SLOW_MS);
    typingTimer = setTimeout(() => {
      typing.hidden = true;
      if (!status.textContent || status.textContent === SLOW_NOTE) status.textContent = NO_REPLY_NOTE;
    }, GIVE_UP_MS);
  }

  function connect() {
    if (socket || typeof window.io !== "function") return;
    socket = window.io(options.serverUrl, { transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });
    socket.on("connect", () => {
      // On every (re)connect, join our conversation again: same id, same conversation.
      socket.emit("session_request", { session_id: state.id });
    });
    socket.on("session_confirm", (confirmed) => {
      const id = typeof confirmed === "string" ? confirmed : confirmed && confirmed.session_id;
      if (typeof id !== "string" || !id) return;
      if (id !== state.id) { state.id = id; save(); } // a new conversation, or one the server no longer knows
      ready = true;
      status.textContent = "";
      if (!state.transcript.length && !state.greeted) {
        state.greeted = true;
        save();
        deliver("/greet");
      }
      while (outbox.length) socket.emit("user_uttered", { message: outbox.shift(), session_id: state.id });
    });
    socket.on("bot_uttered", (message) => {
      if (!message || typeof message !== "object") return;
      const entry = { from: "bot", message: { text: message.text, buttons: message.buttons || message.quick_replies,
        custom: message.custom } };
      if (message.custom && message.custom.type === "deleted") {
        // The person erased the conversation: this tab forgets it too, keeping only the notice.
        state.transcript = [];
        state.crisis = false;
        log.replaceChildren();
      }
      state.transcript.push(entry);
      save();
      render(entry);
      showTyping(false);
    });
    socket.on("disconnect", (reason) => {
      ready = false;
      status.textContent = "Connection lost. Reconnecting…";
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", () => {
      ready = false;
      status.textContent = "Can't reach the assistant right now. Retrying… If you need help now, call or text 988.";
    });
  }

  function loadSocketIo(then) {
    if (typeof window.io === "function") return then();
    const tag = document.createElement("script");
    tag.src = new URL("vendor/socket.io.min.js", base).href;
    tag.onload = then;
    tag.onerror = () => { status.textContent = "The chat could not load. If you need help now, call or text 988."; };
    document.head.appendChild(tag);
  }

  // ---- open / close, keyboard ---------------------------------------------------------------------------
  function setOpen(open, focus) {
    state.open = open;
    save();
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.hidden = open;
    if (open) {
      loadSocketIo(connect);
      if (focus) input.focus();
    } else if (focus) {
      launcher.focus();
    }
  }

  // On a phone the panel covers the page: Tab stays inside it, and it shrinks above the on-screen keyboard.
  function coversScreen() {
    return !panel.hidden && panel.getBoundingClientRect().width >= window.innerWidth - 1;
  }
  panel.addEventListener("keydown", (event) => {
    if (event.key !== "Tab" || !coversScreen()) return;
    const focusable = [...panel.querySelectorAll("button:not([disabled]), a[href], input, select, textarea, [tabindex='0']")]
      .filter((node) => node.offsetParent !== null);
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = root.activeElement;
    if (event.shiftKey && active === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && active === last) { event.preventDefault(); first.focus(); }
  });
  if (window.visualViewport) {
    const fit = () => {
      panel.style.height = coversScreen() ? window.visualViewport.height + "px" : "";
      if (coversScreen()) panel.style.top = window.visualViewport.offsetTop + "px";
      else panel.style.top = "";
    };
    window.visualViewport.addEventListener("resize", fit);
    window.visualViewport.addEventListener("scroll", fit);
  }

  launcher.addEventListener("click", () => setOpen(true, true));
  closeButton.addEventListener("click", () => setOpen(false, true));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") setOpen(false, true);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    input.value = "";
    if (text) send(text);
  });

  function start() {
    document.body.appendChild(host);
    state.transcript.forEach(render);
    if (state.crisis) showPinnedCrisis();
    setOpen(Boolean(state.open), false);
    restoreScroll();
    css.addEventListener("load", restoreScroll);  // the log only scrolls once its stylesheet is in
  }

  function restoreScroll() {
    // After a reload: a recommendation with nothing said after it opens at its headline, else the latest message.
    const cards = log.querySelectorAll(".msg.card");
    const card = cards[cards.length - 1];
    if (card && !log.querySelector(".msg.card ~ .msg.user")) {
      log.scrollTop += card.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
    } else {
      log.scrollTop = log.scrollHeight;
    }
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
