import { useAudioLevel } from "../../media/useAudioLevel";

/** Shows that the microphone hears you; a <meter> so assistive technology reads it as a level. */
export function MicLevelMeter({ track, on }: { track: MediaStreamTrack | null; on: boolean }) {
  const level = useAudioLevel(on ? track : null);
  return (
    <div class="mic-meter">
      <label for="mic-level">Microphone level</label>
      <meter id="mic-level" min={0} max={1} low={0.1} high={0.9} optimum={0.5} value={level}>
        {Math.round(level * 100)}%
      </meter>
      {!on && <span class="hint">Microphone is off</span>}
    </div>
  );
}
