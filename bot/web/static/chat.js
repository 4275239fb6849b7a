// Minimal chat page over the REST channel. Every text is shown with textContent, never as HTML.
(function () {
  const server = new URLSearchParams(location.search).get("server") || "http://localhost:5005";
  const log = document.getElementById("log");
  const input = document.getElementById("text");
  let sender = sessionStorage.getItem("intake-sender");
  if (!sender) {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    sender = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem("intake-sender", sender);
  }

  function add(text, who, extraClass) {
    const div = document.createElement("div");
    div.className = "msg " + who + (extraClass ? " " + extraClass : "");
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function render(message) {
    const custom = message.custom || {};
    const kind = custom.type === "recommendation" ? "card" : custom.type === "crisis" ? "crisis" : "";
    const div = add(message.text || "", "bot", kind);
    if (message.buttons && message.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      message.buttons.forEach((b) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", () => send(b.payload, b.title));
        row.appendChild(button);
      });
      div.appendChild(row);
    }
  }

  async function send(text, shown) {
    add(shown || text, "user");
    try {
      const response = await fetch(server + "/webhooks/rest/webhook", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: sender, message: text }),
      });
      (await response.json()).forEach(render);
    } catch (error) {
      add("Sorry, I can't reach the assistant right now. If you need help now, call or text 988.", "bot", "crisis");
    }
  }

  document.getElementById("send").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    input.value = "";
    if (text) send(text);
  });
  send("hello", "Hello");
})();
