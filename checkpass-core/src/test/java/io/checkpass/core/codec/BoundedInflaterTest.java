package io.checkpass.core.codec;

import static io.checkpass.core.foreign.ForeignFixtures.rawDeflate;
import static io.checkpass.core.foreign.ForeignFixtures.zlib;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BoundedInflaterTest {
    @Test
    void data_inflates_up_to_the_bound_exactly() {
        byte[] data = new byte[4096];
        Arrays.fill(data, (byte) 'x');
        assertThat(BoundedInflater.zlib(zlib(data), 4096)).isEqualTo(data);
        assertThat(BoundedInflater.raw(rawDeflate(data), 4096)).isEqualTo(data);
    }

    @Test
    void a_bomb_stops_one_byte_past_the_bound() {
        byte[] bomb = zlib(new byte[8 * 1024 * 1024]);
        assertThat(bomb.length).as("compresses a thousandfold").isLessThan(9000);
        assertThatThrownBy(() -> BoundedInflater.zlib(bomb, 65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536");
    }

    @Test
    void truncated_data_and_data_with_bytes_after_the_stream_are_refused() {
        byte[] compressed = zlib("hello, hello, hello".getBytes());
        assertThatThrownBy(() -> BoundedInflater.zlib(Arrays.copyOf(compressed, compressed.length - 3), 1024))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BoundedInflater.zlib(Arrays.copyOf(compressed, compressed.length + 2), 1024))
                .hasMessageContaining("follow the end");
    }

    @Test
    void raw_deflate_is_not_zlib_and_zlib_is_not_raw_deflate() {
        byte[] text = "a SMART card payload".getBytes();
        assertThatThrownBy(() -> BoundedInflater.zlib(rawDeflate(text), 1024))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BoundedInflater.raw(zlib(text), 1024)).isInstanceOf(IllegalArgumentException.class);
    }
}
