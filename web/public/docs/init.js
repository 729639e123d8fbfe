// Mounts Swagger UI (served from /docs/, copied from the swagger-ui-dist package at build time)
// over the server-rendered operation list, which stays the page for readers without JavaScript.
window.addEventListener("load", () => {
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#reference",
    deepLinking: true,
    tryItOutEnabled: true,
    persistAuthorization: false,
  });
});
