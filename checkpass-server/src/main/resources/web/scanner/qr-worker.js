// Decodes QR codes off the page's main thread, where the browser has no BarcodeDetector: the page posts a camera
// frame's pixels (transferred, not copied), the worker answers its text or null. jsQR is the vendored decoder.
importScripts('/shared/vendor/jsQR.js');

self.onmessage = (event) => {
  const { width, height, pixels } = event.data;
  let text = null;
  try {
    const code = self.jsQR(new Uint8ClampedArray(pixels), width, height, { inversionAttempts: 'dontInvert' });
    text = code && code.data ? code.data : null;
  } catch (e) {
    text = null; // a frame the decoder chokes on is a frame without a code
  }
  self.postMessage({ text });
};
