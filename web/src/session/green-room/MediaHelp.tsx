import { type DeviceKind, type MediaProblem, mediaHelp } from "../../media/media-problem";

/** Specific help for each device that could not start: what happened and what to do. */
export function MediaHelp({ problems }: { problems: Partial<Record<DeviceKind, MediaProblem>> }) {
  const kinds = (["camera", "microphone"] as const).filter((kind) => problems[kind]);
  if (kinds.length === 0) return null;
  // Both blocked by the browser: one message, not two identical ones.
  const both = kinds.length === 2 && problems.camera === "permission-denied" && problems.microphone === "permission-denied";
  const entries = both
    ? [
        {
          key: "both",
          help: { title: "Your browser is blocking the camera and microphone", steps: mediaHelp("camera", "permission-denied").steps },
        },
      ]
    : kinds.map((kind) => ({ key: kind, help: mediaHelp(kind, problems[kind]!) }));
  return (
    <section class="media-help" aria-labelledby="media-help-title">
      <h2 id="media-help-title" class="visually-hidden">
        Device problems
      </h2>
      {entries.map(({ key, help }) => (
        <div class="notice notice-warning" key={key}>
          <h3>{help.title}</h3>
          <ul>
            {help.steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
