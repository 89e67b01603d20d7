package dev.ferry.core.settings;

import dev.ferry.core.ConfigurationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DMS's task parameters CdcStartPosition, CdcStartTime and CdcStopPosition, in the forms the DMS API reference shows. */
class CdcParametersTest {

    @Test
    @DisplayName("when CdcStartPosition is the guide's date example, then it is a start time, read as UTC")
    void dateFormIsATime() {
        // "Date Example: --cdc-start-position “2018-03-08T12:12:12”"
        CdcStart start = CdcStart.parse("2018-03-08T12:12:12", null);
        assertThat(start.time()).isEqualTo(Instant.parse("2018-03-08T12:12:12Z"));
        assertThat(start.position()).isNull();
    }

    @Test
    @DisplayName("when CdcStartPosition is an LSN, then it is kept as the source's native position")
    void lsnIsNative() {
        assertThat(CdcStart.parse("0/16B3748", null)).isEqualTo(CdcStart.atPosition("0/16B3748"));
        assertThat(CdcStart.parse(" 0000002a:00000c38:0003 ", null).position()).isEqualTo("0000002a:00000c38:0003");
    }

    @Test
    @DisplayName("when CdcStartTime is the guide's example, an offset time or seconds since 1970, then it is that instant")
    void startTimeForms() {
        // "Timestamp Example: --cdc-start-time “2018-03-08T12:12:12”"
        assertThat(CdcStart.parse(null, "2018-03-08T12:12:12").time()).isEqualTo(Instant.parse("2018-03-08T12:12:12Z"));
        assertThat(CdcStart.parse(null, "2018-03-08T14:12:12+02:00").time()).isEqualTo(Instant.parse("2018-03-08T12:12:12Z"));
        assertThat(CdcStart.parse(null, "1520511132").time()).isEqualTo(Instant.parse("2018-03-08T12:12:12Z"));
        assertThat(CdcStart.parse(null, null)).isNull();
    }

    @Test
    @DisplayName("when both CdcStartPosition and CdcStartTime are given, then it is an error, as in DMS")
    void bothRefused() {
        assertThatThrownBy(() -> CdcStart.parse("0/16B3748", "2018-03-08T12:12:12"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("give either CdcStartPosition or CdcStartTime, not both (as in DMS)");
    }

    @Test
    @DisplayName("when CdcStartPosition is a DMS checkpoint, then it is refused: Ferry cannot read DMS's own positions")
    void checkpointRefused() {
        // "Checkpoint Example: --cdc-start-position "checkpoint:V1#27#mysql-bin-changelog.157832:1975:-1:2002:677883278264080:mysql-bin-changelog.157832:1876#0#0#*#0#93""
        assertThatThrownBy(() -> CdcStart.parse(
                "checkpoint:V1#27#mysql-bin-changelog.157832:1975:-1:2002:677883278264080:mysql-bin-changelog.157832:1876#0#0#*#0#93", null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("CdcStartPosition 'checkpoint:V1#27#")
                .hasMessageContaining("is a DMS recovery checkpoint, a position of DMS's own replication engine that Ferry cannot read");
    }

    @Test
    @DisplayName("when CdcStopPosition is one of the guide's examples, then its mode and time are read")
    void stopExamples() {
        // "Server time example: --cdc-stop-position “server_time:2018-02-09T12:12:12”"
        // "Commit time example: --cdc-stop-position “commit_time:2018-02-09T12:12:12“"
        assertThat(CdcStop.parse("server_time:2018-02-09T12:12:12"))
                .isEqualTo(new CdcStop(CdcStop.Mode.SERVER_TIME, Instant.parse("2018-02-09T12:12:12Z")));
        assertThat(CdcStop.parse("commit_time:2018-02-09T12:12:12"))
                .isEqualTo(new CdcStop(CdcStop.Mode.COMMIT_TIME, Instant.parse("2018-02-09T12:12:12Z")));
        // one reference page prints a space after the colon: "commit_time: 3018-02-09T12:12:12 "
        assertThat(CdcStop.parse("commit_time: 3018-02-09T12:12:12 ").at()).isEqualTo(Instant.parse("3018-02-09T12:12:12Z"));
        assertThat(CdcStop.parse(null)).isNull();
    }

    @Test
    @DisplayName("when a change is committed after the stop point, even by a millisecond, then it lies after it; at it, not")
    void afterTheStopPoint() {
        CdcStop stop = CdcStop.parse("commit_time:2018-02-09T12:12:12");
        long at = Instant.parse("2018-02-09T12:12:12Z").toEpochMilli();
        assertThat(stop.after(at)).isFalse();
        assertThat(stop.after(at - 1)).isFalse();
        assertThat(stop.after(at + 1)).isTrue();
    }

    @Test
    @DisplayName("when CdcStopPosition has another form, then the error names both forms")
    void badStop() {
        assertThatThrownBy(() -> CdcStop.parse("2018-02-09T12:12:12"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("CdcStopPosition '2018-02-09T12:12:12' must be server_time:YYYY-MM-DDThh:mm:ss or "
                        + "commit_time:YYYY-MM-DDThh:mm:ss (UTC), as in DMS");
        assertThatThrownBy(() -> CdcStop.parse("commit_time:yesterday"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("CdcStopPosition 'yesterday' is not a time: expected YYYY-MM-DDThh:mm:ss (UTC), optionally with Z or an offset");
    }
}
