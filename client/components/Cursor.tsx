import './Cursor.css';
interface CursorProps {
  name: string;
  colour: string;
  /** Board coordinates of the pointer's tip. */
  x: number;
  y: number;
}

/**
 * Another person's pointer, drawn in their colour with their name. Hidden
 * from screen readers: the presence list already says who is here, and a
 * moving pointer read aloud would be noise.
 */
export function Cursor({ name, colour, x, y }: CursorProps) {
  return (
    <div className="cursor" style={{ transform: `translate(${x}px, ${y}px)` }} aria-hidden="true">
      <svg className="cursor__pointer" width="18" height="22" viewBox="0 0 18 22">
        <path d="M1 1 L1 18 L5.5 13.5 L9 21 L12 19.6 L8.6 12.3 L15 12.3 Z" fill={colour} stroke="#ffffff" strokeWidth="1.5" />
      </svg>
      <span className="cursor__label" style={{ backgroundColor: colour }}>
        {name}
      </span>
    </div>
  );
}
