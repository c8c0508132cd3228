package io.checkpass.core.verify;

import io.checkpass.core.rules.LocalizedText;

/**
 * Why a verdict was reached. The first five go with admitting verdicts; every other reason is a DENY. Codes are
 * stable: scanners, logs, conformance vectors and the check-in log store them by name.
 */
public enum Reason {
    VALID("유효한 방역패스", "Valid pass"),
    CONDITION_APPLIES("조건부 입장", "Admitted under a condition"),
    ID_CHECK_REQUIRED("신분증 확인 필요", "Check an ID card against the name and birth year"),
    PASS_NOT_REQUIRED("방역패스 비적용 시설", "No pass is required at this venue"),
    GUIDANCE_PERIOD("계도기간: 입장 가능, 안내 사항 확인", "Guidance period: admitted; read the notice"),

    MALFORMED("QR 코드를 읽을 수 없음", "Unreadable or damaged code"),
    UNSUPPORTED_FORMAT("지원하지 않는 형식", "Not a pass format this scanner knows"),
    UNKNOWN_KEY("알 수 없는 발급 기관 키", "Issued under a key this scanner does not trust"),
    BAD_SIGNATURE("위조 또는 변조된 패스", "Signature does not verify: forged or altered"),
    NOT_YET_VALID("아직 유효하지 않음", "Not valid yet"),
    CREDENTIAL_EXPIRED("패스 만료: 앱에서 새로 받으세요", "Pass expired: refresh it in the app"),
    STATUS_EXPIRED("접종/검사 유효기간 만료", "Vaccination or test status has expired"),
    REVOKED("취소된 패스", "Revoked pass"),
    STALE_PRESENTATION("오래된 QR (캡처 의심)", "QR code too old (screenshot?)"),
    FUTURE_PRESENTATION("기기 시계 오류", "QR time is in the future: check the phone's clock"),
    BAD_DEVICE_PROOF("본인 기기가 아님", "Not presented from the holder's device"),
    REPLAYED("이미 사용된 QR", "This QR code was already scanned"),
    NOT_ACCEPTED_HERE("이 시설에서 인정되지 않는 상태", "Status not accepted at this venue"),
    KEY_NOT_AUTHORIZED("해당 용도로 승인되지 않은 키", "The signing key is not authorised for this kind of certificate"),
    /**
     * A genuine certificate that does not prove a status the venue needs: a test with an empty or unknown result, a
     * vaccination without a product or dose number. Read as UNVACCINATED; the rules refuse it with this reason.
     */
    STATUS_NOT_PROVEN("증명서에 필요한 정보 없음", "The certificate is genuine but does not prove a status this venue needs"),
    /**
     * A foreign pass shown to a scanner whose bundle carries no medical rules (one made before bundles carried them),
     * or none in force yet: nothing to decide its status by. Updating the bundle cures it.
     */
    NO_MEDICAL_RULES(
            "해외 증명서 판정 기준 없음: 번들을 갱신하세요", "No medical rules to judge a foreign pass by: update this scanner's bundle"),
    /**
     * Signed by an issuer key the centre revoked after a compromise (the bundle lists it as revoked): every credential
     * it signed is refused, whatever it says. The holder gets a new one from the app.
     */
    ISSUER_KEY_REVOKED("폐기된 발급 키로 서명됨: 앱에서 새로 받으세요", "Signed by a revoked issuer key: refresh the pass in the app");

    private final LocalizedText text;

    Reason(String korean, String english) {
        this.text = new LocalizedText(korean, english);
    }

    /** What to show staff, in Korean and English. */
    public LocalizedText text() {
        return text;
    }

    /** True for the reasons that go with ADMIT, ADMIT_LIMITED and CHECK_ID. */
    public boolean admitting() {
        return ordinal() <= GUIDANCE_PERIOD.ordinal();
    }
}
