export function NotFoundPage() {
  return (
    <main class="page narrow">
      <h1>Page not found</h1>
      <p>
        Open your session from the link in your reminder, or go to <a href="/dashboard">your dashboard</a>.
      </p>
    </main>
  );
}
