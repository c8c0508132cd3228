// Reads a QR code off a camera's video frame without stuttering the page: the browser's own BarcodeDetector where it
// has one (Android, ChromeOS, macOS), otherwise jsQR in a worker (/scanner/qr-worker.js: the frame's pixels are
// transferred, not copied). Used by the scanner (passes) and the inspector (venue posters).
const frame = document.createElement('canvas');
let worker = null;
const detector = ('BarcodeDetector' in window
  ? BarcodeDetector.getSupportedFormats().then((f) => (f.includes('qr_code') ? new BarcodeDetector({ formats: ['qr_code'] }) : null))
  : Promise.resolve(null)).catch(() => null);

function decodeInWorker(image) {
  worker ||= new Worker('/scanner/qr-worker.js');
  return new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data.text);
    worker.onerror = () => resolve(null);
    worker.postMessage({ width: image.width, height: image.height, pixels: image.data.buffer }, [image.data.buffer]);
  });
}

/** Which decoder this browser uses: 'barcode-detector' or 'worker'. */
export async function qrDecoder() {
  return (await detector) ? 'barcode-detector' : 'worker';
}

/** The text of the QR code in the video's current frame, or null. */
export async function decodeFrame(video) {
  const native = await detector;
  if (native) {
    const codes = await native.detect(video);
    return codes.length > 0 ? codes[0].rawValue : null;
  }
  frame.width = video.videoWidth;
  frame.height = video.videoHeight;
  const g = frame.getContext('2d', { willReadFrequently: true });
  g.drawImage(video, 0, 0);
  return decodeInWorker(g.getImageData(0, 0, frame.width, frame.height));
}
