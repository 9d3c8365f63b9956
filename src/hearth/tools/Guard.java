package hearth.tools;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

// The work-hours guard: while on, switching to, loading or downloading a big model (the quality
// tier, or a name that says 30B or more) is refused in working hours, default Mon-Fri 08:00-17:00
// America/Denver, unless the caller passes force. Stored in state.json under "work_hours_guard".
record Guard(boolean enabled, LocalTime start, LocalTime end, List<DayOfWeek> days, ZoneId zone) {
    static final String KEY = "work_hours_guard";
    static final double BIG_BILLIONS = 30;   // about 18 GB at 4 bits: what crowds out work apps on a 32 GB machine
    private static final Pattern PARAMS = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)b(?![a-z0-9])");
    static final Guard DEFAULT = new Guard(false, LocalTime.of(8, 0), LocalTime.of(17, 0),
            List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY), ZoneId.of("America/Denver"));

    static Guard of(Object stored) {
        if (!(stored instanceof Map<?, ?> m)) return DEFAULT;
        try {
            return new Guard(Boolean.TRUE.equals(m.get("enabled")),
                    m.get("start") instanceof String s ? LocalTime.parse(s) : DEFAULT.start,
                    m.get("end") instanceof String e ? LocalTime.parse(e) : DEFAULT.end,
                    m.get("days") instanceof String d ? days(d) : DEFAULT.days,
                    m.get("timezone") instanceof String z ? ZoneId.of(z) : DEFAULT.zone);
        } catch (RuntimeException e) {
            return DEFAULT.with(Boolean.TRUE.equals(m.get("enabled")));
        }
    }

    Guard with(boolean on) {
        return new Guard(on, start, end, days, zone);
    }

    Map<String, Object> toJson() {
        return hearth.json.Json.obj("enabled", enabled, "start", start.toString(), "end", end.toString(), "days", daysText(), "timezone", zone.getId());
    }

    boolean inHours(ZonedDateTime now) {
        ZonedDateTime local = now.withZoneSameInstant(zone);
        LocalTime t = local.toLocalTime();
        return days.contains(local.getDayOfWeek()) && !t.isBefore(start) && t.isBefore(end);
    }

    /** Why switching to `model` is refused now, or null when it is allowed. */
    String refusal(String model, List<Tiers.Tier> tiers, ZonedDateTime now) {
        if (!enabled || !inHours(now) || !isBig(model, tiers)) return null;
        return "the work-hours guard blocks big models " + daysText() + " " + start + "-" + end + " " + zone.getId() + " and '" + model
                + "' is big; pass force=true to go ahead anyway, or turn the guard off with set_work_hours_guard enabled=false";
    }

    static boolean isBig(String model, List<Tiers.Tier> tiers) {
        Tiers.Tier tier = Tiers.ofModel(tiers, model);
        if (tier != null && tier.name().equals("quality")) return true;
        double most = 0;
        Matcher m = PARAMS.matcher(model);
        while (m.find()) most = Math.max(most, Double.parseDouble(m.group(1)));
        return most >= BIG_BILLIONS;
    }

    /** "Mon-Fri", "Mon,Wed,Sat" or "Sat-Sun" (three-letter English names). */
    static List<DayOfWeek> days(String text) {
        var out = new ArrayList<DayOfWeek>();
        for (String part : text.split(",")) {
            String[] range = part.trim().split("-");
            DayOfWeek from = day(range[0]), to = range.length > 1 ? day(range[1]) : from;
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                if (!out.contains(d)) out.add(d);
                if (d == to) break;
            }
        }
        return out;
    }

    private static DayOfWeek day(String name) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).equalsIgnoreCase(name.trim())) return d;
        }
        throw new IllegalArgumentException("unknown day '" + name.trim() + "'; use Mon, Tue, Wed, Thu, Fri, Sat, Sun");
    }

    String daysText() {
        var names = days.stream().map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH)).toList();
        if (days.size() > 2 && days.get(days.size() - 1) == days.get(0).plus(days.size() - 1)) return names.get(0) + "-" + names.get(names.size() - 1);
        return String.join(",", names);
    }
}
