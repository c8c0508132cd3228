package io.checkpass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenedResourcesTest {

    @Test
    void closes_newest_first_and_a_failing_close_does_not_stop_the_rest() {
        List<String> closed = new ArrayList<>();
        OpenedResources opened = new OpenedResources();
        opened.add(() -> closed.add("database"));
        opened.add(() -> {
            closed.add("services");
            throw new IllegalStateException("stuck");
        });
        opened.add(() -> closed.add("http"));

        opened.close();
        opened.close();

        assertThat(closed).containsExactly("http", "services", "database");
    }
}
