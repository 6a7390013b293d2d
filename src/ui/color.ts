import { Chalk, type ChalkInstance } from 'chalk';

/** chalk does not read NO_COLOR by itself; --no-color and NO_COLOR both turn colour off. */
export function makeColor(stream: NodeJS.WriteStream, noColorFlag: boolean): ChalkInstance {
  const disabled = noColorFlag || (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') || !stream.isTTY;
  return new Chalk({ level: disabled ? 0 : 1 });
}
