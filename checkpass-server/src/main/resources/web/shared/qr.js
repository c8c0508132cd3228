// Draws a QR code on a canvas with the vendored qrcode-generator, in alphanumeric mode (the CP1: alphabet is
// Base45's, which is QR's alphanumeric set), error correction M as docs/pass-format.md §8 measures.
//
// Every module is a whole number of device pixels and the canvas is shown at exactly its own size: a scaled QR has
// modules of uneven width, which a camera (and jsQR) reads much worse than a crisp one.
import qrcode from './vendor/qrcode.mjs';

const MARGIN = 4;

/**
 * Draws text as large as fits in maxCssPixels (CSS pixels); returns the module count. Passes are alphanumeric; a
 * link (a pairing URL) is 'Byte'. On a screen narrower than the code it scales down to fit rather than being cut off.
 */
export function drawQr(canvas, text, maxCssPixels = 340, mode = 'Alphanumeric') {
  const qr = qrcode(0, 'M');
  qr.addData(text, mode);
  qr.make();
  const count = qr.getModuleCount();
  const ratio = window.devicePixelRatio || 1;
  const moduleSize = Math.max(2, Math.floor((maxCssPixels * ratio) / (count + 2 * MARGIN)));
  const size = (count + 2 * MARGIN) * moduleSize;
  canvas.width = size;
  canvas.height = size;
  canvas.style.width = size / ratio + 'px';
  canvas.style.height = 'auto';
  canvas.style.maxWidth = '100%';
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, size, size);
  g.fillStyle = '#000';
  for (let r = 0; r < count; r++) {
    for (let c = 0; c < count; c++) {
      if (qr.isDark(r, c)) g.fillRect((c + MARGIN) * moduleSize, (r + MARGIN) * moduleSize, moduleSize, moduleSize);
    }
  }
  return count;
}
