package io.checkpass.conformance.qr;

import static io.checkpass.core.PassFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.qrcode.decoder.Mode;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class QrCodesTest {

    @Test
    void a_presentation_renders_in_alphanumeric_mode_and_reads_back() {
        String text =
                HOLDER.present(vaccinated(LUNCH_13_DEC).encoded(), LUNCH_13_DEC).toText();
        assertThat(QrCodes.symbol(text).mode()).isEqualTo(Mode.ALPHANUMERIC);
        assertThat(QrCodes.decode(QrCodes.render(text, 4))).contains(text);
    }

    @Test
    void an_image_without_a_code_reads_as_nothing() {
        assertThat(QrCodes.decode(new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB)))
                .isEmpty();
    }
}
