import type { OutputStream } from './io';

const FRAMES = ['|', '/', '-', '\\'];
/** Time between two frames, in milliseconds. */
const FRAME_INTERVAL_MS = 120;
/** Moves to the start of the line and erases it (ANSI CR + EL). */
const ERASE_LINE = '\r\x1b[K';

/** A one-line activity indicator on a terminal, redrawn in place. */
export class Spinner {
  private label = '';
  private frameIndex = 0;
  private timer: NodeJS.Timeout | undefined;
  private visible = false;

  constructor(private readonly stream: OutputStream) {}

  /** Shows the spinner with a label, or changes the label of a running one. */
  update(label: string): void {
    this.label = label;
    this.timer ??= setInterval(() => this.draw(), FRAME_INTERVAL_MS).unref();
    this.draw();
  }

  /** Erases the line so that other output can be written; the next frame draws it again. */
  clear(): void {
    if (this.visible) {
      this.stream.write(ERASE_LINE);
      this.visible = false;
    }
  }

  /** Erases the spinner and stops its timer. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private draw(): void {
    const frame = FRAMES[this.frameIndex % FRAMES.length] ?? '';
    this.frameIndex += 1;
    this.stream.write(`${ERASE_LINE}${frame} ${this.label}`);
    this.visible = true;
  }
}
