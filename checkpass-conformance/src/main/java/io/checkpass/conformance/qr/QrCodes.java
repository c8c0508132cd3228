package io.checkpass.conformance.qr;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.EncodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.NotFoundException;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.decoder.Mode;
import com.google.zxing.qrcode.encoder.Encoder;
import com.google.zxing.qrcode.encoder.QRCode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * QR images of pass texts, with ZXing. Pass texts use only the QR alphanumeric alphabet (Base45 plus the
 * {@code CP1:} prefix), so ZXing encodes them in alphanumeric mode at 5.5 bits per character. Error correction
 * is level M (15%), enough for a phone screen and a printed page.
 */
public final class QrCodes {
    public static final ErrorCorrectionLevel ERROR_CORRECTION = ErrorCorrectionLevel.M;

    private QrCodes() {}

    /** What a text becomes as a QR code: its version (size) and encoding mode. */
    public record Symbol(int version, int modules, Mode mode) {}

    /**
     * The symbol ZXing chooses for {@code text}.
     *
     * @throws IllegalArgumentException if the text does not fit a QR code
     */
    public static Symbol symbol(String text) {
        try {
            QRCode code = Encoder.encode(text, ERROR_CORRECTION);
            return new Symbol(
                    code.getVersion().getVersionNumber(), code.getMatrix().getWidth(), code.getMode());
        } catch (WriterException e) {
            throw new IllegalArgumentException("text does not fit a QR code: " + e.getMessage(), e);
        }
    }

    /** Renders {@code text} with {@code pixelsPerModule} pixels per module and a 4-module quiet zone. */
    public static BufferedImage render(String text, int pixelsPerModule) {
        int modules = symbol(text).modules() + 8;
        try {
            BitMatrix matrix = new QRCodeWriter()
                    .encode(
                            text,
                            BarcodeFormat.QR_CODE,
                            modules * pixelsPerModule,
                            modules * pixelsPerModule,
                            Map.of(EncodeHintType.ERROR_CORRECTION, ERROR_CORRECTION, EncodeHintType.MARGIN, 4));
            return MatrixToImageWriter.toBufferedImage(matrix);
        } catch (WriterException e) {
            throw new IllegalArgumentException("text does not fit a QR code: " + e.getMessage(), e);
        }
    }

    /** The PNG bytes of {@link #render}. */
    public static byte[] png(String text, int pixelsPerModule) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(render(text, pixelsPerModule), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads the QR code in an image; empty if none is found or it cannot be decoded. A photo goes through zxing's
     * detector; a clean rendering (a saved PNG, a PDF page) whose finder patterns the detector misjudges is then read
     * as a pure barcode — two of the French DCC test images need that.
     */
    public static Optional<String> decode(BufferedImage image) {
        var bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
        Optional<String> detected = read(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE));
        return detected.isPresent() ? detected : read(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE));
    }

    private static Optional<String> read(BinaryBitmap bitmap, Map<DecodeHintType, ?> hints) {
        try {
            return Optional.of(new QRCodeReader().decode(bitmap, hints).getText());
        } catch (NotFoundException | ChecksumException | FormatException e) {
            return Optional.empty();
        }
    }
}
