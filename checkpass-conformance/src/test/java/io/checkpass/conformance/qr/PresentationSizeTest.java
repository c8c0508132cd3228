package io.checkpass.conformance.qr;

import static io.checkpass.core.PassFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.qrcode.decoder.Mode;
import org.junit.jupiter.api.Test;

class PresentationSizeTest {

    @Test
    void a_device_bound_presentation_fits_in_400_alphanumeric_characters() {
        String text =
                HOLDER.present(vaccinated(LUNCH_13_DEC).encoded(), LUNCH_13_DEC).toText();
        QrCodes.Symbol symbol = QrCodes.symbol(text);
        System.out.println("device-bound presentation: " + text.length() + " chars, QR version " + symbol.version()
                + " " + symbol.mode());
        assertThat(text.length()).isLessThanOrEqualTo(400);
        assertThat(symbol.mode()).isEqualTo(Mode.ALPHANUMERIC);
    }
}
