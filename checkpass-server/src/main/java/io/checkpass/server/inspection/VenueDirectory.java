package io.checkpass.server.inspection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Venues as inspectors find them: by id, or by a search within a district. Reads {@code visits.venue}, which the
 * identity role may read (V12: it holds no visit).
 */
public final class VenueDirectory {
    /** The most venues a search answers: a phone shows a short list, a longer query narrows it. */
    public static final int MAX_RESULTS = 20;

    private static final String COLUMNS = "venue_id, business_number, name, address, region, district_code,"
            + " district_name, venue_type, operator_name, operator_phone, call_number";

    private final DataSource db;

    public VenueDirectory(DataSource db) {
        this.db = db;
    }

    public Optional<RegisteredVenue> find(String venueId) {
        List<RegisteredVenue> found =
                query("select " + COLUMNS + " from visits.venue where venue_id = ?", List.of(venueId));
        return found.stream().findFirst();
    }

    /**
     * Venues whose name contains {@code text} or whose id starts with it, in {@code districtCode} if given, by name;
     * at most {@link #MAX_RESULTS}.
     */
    public List<RegisteredVenue> search(Optional<String> districtCode, String text) {
        String like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        String prefix = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        List<Object> parameters = new ArrayList<>(List.of(like, prefix));
        String where = "(name like ? or venue_id like ?)";
        if (districtCode.isPresent()) {
            where = "district_code = ? and " + where;
            parameters.addFirst(districtCode.get());
        }
        return query(
                "select " + COLUMNS + " from visits.venue where " + where + " order by name, venue_id limit "
                        + MAX_RESULTS,
                parameters);
    }

    private List<RegisteredVenue> query(String sql, List<Object> parameters) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                s.setObject(i + 1, parameters.get(i));
            }
            List<RegisteredVenue> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String code = r.getString("district_code");
                    out.add(new RegisteredVenue(
                            r.getString("venue_id"),
                            r.getString("business_number"),
                            r.getString("name"),
                            r.getString("address"),
                            r.getString("region"),
                            code == null
                                    ? Optional.empty()
                                    : Optional.of(new District(code, r.getString("district_name"))),
                            r.getString("venue_type"),
                            Optional.ofNullable(r.getString("operator_name")),
                            Optional.ofNullable(r.getString("operator_phone")),
                            Optional.ofNullable(r.getString("call_number"))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read venues", e);
        }
    }
}
