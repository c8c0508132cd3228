package io.checkpass.server.inspection;

import java.util.regex.Pattern;

/**
 * A 시·군·구 (city, county or district): its 5-digit administrative code (행정표준코드, e.g. 11110 for 종로구, whose
 * first two digits are the 시·도) and its name. The unit an inspector is scoped to and reports are made for.
 */
public record District(String code, String name) {
    private static final Pattern CODE = Pattern.compile("[0-9]{5}");
    static final int MAX_NAME = 100;

    /** @throws IllegalArgumentException naming what is wrong, in English then Korean */
    public District {
        code = checkCode(code);
        if (name == null || name.isBlank() || name.strip().length() > MAX_NAME) {
            throw new IllegalArgumentException(
                    "a district name is 1.." + MAX_NAME + " characters / 시·군·구 이름은 1~" + MAX_NAME + "자입니다");
        }
        name = name.strip();
    }

    /**
     * The code, checked.
     *
     * @throws IllegalArgumentException unless it is 5 digits
     */
    public static String checkCode(String code) {
        String c = code == null ? "" : code.strip();
        if (!CODE.matcher(c).matches()) {
            throw new IllegalArgumentException("district code '" + code
                    + "' must be the 5-digit 시·군·구 code, e.g. 11110 / 시·군·구 코드는 숫자 5자리입니다 (예: 11110)");
        }
        return c;
    }
}
