package io.checkpass.server.notify.proof;

import io.checkpass.conformance.qr.QrCodes;
import io.checkpass.core.pass.PassClaims;
import io.checkpass.core.pass.Presentation;
import io.checkpass.core.time.KoreaTime;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * The public page a proof link opens (docs/pages.md, "Proof links"): one self-contained HTML document, the QR inlined
 * as a PNG, so that the page the service worker keeps is the whole proof offline and "save image" needs no network.
 * Korean first, English under it, both always shown: the holder may be either, and the door staff too.
 */
public final class ProofPage {
    /** Pixels per QR module: a 57-module symbol is about 400 px, sharp on a phone and for a camera. */
    private static final int MODULE_PIXELS = 6;

    private static final String STYLE = """
            :root { color-scheme: light; font-family: system-ui, 'Apple SD Gothic Neo', 'Noto Sans KR', sans-serif; }
            body { margin: 0; background: #f4f5f7; color: #1b1f24; }
            main { max-width: 26rem; margin: 0 auto; padding: 1rem; }
            h1 { font-size: 1.4rem; margin: .25rem 0 1rem; }
            h1 span, .en { display: block; font-size: .95rem; font-weight: normal; color: #4a5058; }
            .card { background: #fff; border-radius: .75rem; padding: 1rem; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
            #qr { display: block; width: 100%; max-width: 22rem; height: auto; margin: 0 auto; image-rendering: pixelated; }
            dl { display: grid; grid-template-columns: auto 1fr; gap: .4rem 1rem; margin: 1rem 0; }
            dt { color: #4a5058; } dd { margin: 0; font-weight: 600; }
            .door { background: #fff4d6; border-left: .3rem solid #b7791f; padding: .6rem .8rem; margin: 1rem 0; }
            .ended { background: #fde8e8; border-left: .3rem solid #c53030; padding: .6rem .8rem; margin: 1rem 0; }
            a.button { display: block; text-align: center; padding: .8rem; border-radius: .5rem; background: #1b4f9c;
              color: #fff; text-decoration: none; font-weight: 600; margin-top: 1rem; }
            .muted { color: #4a5058; font-size: .9rem; }
            [hidden] { display: none !important; }
            @media print { a.button, .muted { display: none; } body { background: #fff; } .card { box-shadow: none; } }
            """;

    private ProofPage() {}

    /** The paper pass's page. */
    public static String shown(ProofLinkService.Opened.Shown shown) {
        PassClaims claims = shown.pass().claims();
        String qrText = Presentation.ofStatic(shown.pass().credential()).toText();
        String png = "data:image/png;base64," + Base64.getEncoder().encodeToString(QrCodes.png(qrText, MODULE_PIXELS));
        Instant until = shown.validUntil();
        String untilKst = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(until.atZone(KoreaTime.KST));
        return head("방역패스 (종이) · Health pass (paper)")
                + "<body data-state=\"shown\" data-valid-until=\"" + until + "\">\n<main>\n"
                + "<h1>방역패스 (종이)<span lang=\"en\">Health pass (paper)</span></h1>\n"
                + "<div class=\"card\">\n"
                + "<img id=\"qr\" src=\"" + png + "\" alt=\"방역패스 QR 코드 · Health pass QR code\""
                + " data-qr-text=\"" + escape(qrText) + "\">\n"
                + "<dl>\n"
                + "<dt>이름 <span lang=\"en\">Name</span></dt><dd id=\"name\">"
                + escape(claims.display().maskedName()) + "</dd>\n"
                + "<dt>출생연도 <span lang=\"en\">Birth year</span></dt><dd id=\"birthYear\">"
                + claims.display().birthYear() + "</dd>\n"
                + "<dt>상태 <span lang=\"en\">Status</span></dt><dd id=\"status\">"
                + escape(claims.status().korean())
                + " <span lang=\"en\">" + escape(claims.status().english()) + "</span></dd>\n"
                + "<dt>유효기간 <span lang=\"en\">Valid</span></dt><dd><time id=\"until\" datetime=\"" + until + "\">"
                + untilKst + "</time><span id=\"untilEn\" class=\"en\" lang=\"en\"></span></dd>\n"
                + "</dl>\n"
                + "<p id=\"expired\" class=\"ended\" hidden>유효기간이 지났습니다. 이 QR 코드로는 입장할 수 없습니다."
                + "<span class=\"en\" lang=\"en\">This pass has ended: the door will not admit this QR code.</span></p>\n"
                + "<p class=\"door\">출입구에서는 이 QR 코드를 확인합니다. 문자 메시지 내용은 증명이 아닙니다."
                + " 신분증과 함께 보여 주세요."
                + "<span class=\"en\" lang=\"en\">At the door, staff scan this QR code, not the text message."
                + " Show it with your ID card.</span></p>\n"
                + "<a id=\"save\" class=\"button\" download=\"checkpass-paper-pass.png\" href=\"" + png + "\">"
                + "QR 이미지 저장 · Save the QR image</a>\n"
                + "</div>\n"
                + "<p id=\"offline\" class=\"muted\">한 번 연 이 페이지는 인터넷 연결 없이도 열립니다."
                + "<span class=\"en\" lang=\"en\">Once opened, this page opens without a connection too.</span></p>\n"
                + "</main>\n<script type=\"module\" src=\"/p/proof.js\"></script>\n</body>\n</html>\n";
    }

    /** The page of a link that opens nothing: unknown, ended, or asked for too often. */
    public static String ended(Ending ending) {
        return head(ending.titleKo + " · " + ending.titleEn)
                + "<body data-state=\"" + ending.state + "\">\n<main>\n"
                + "<h1>방역패스 <span lang=\"en\">Health pass</span></h1>\n"
                + "<div class=\"card\">\n<h2 id=\"ending\">" + ending.titleKo + "<span class=\"en\" lang=\"en\">"
                + ending.titleEn + "</span></h2>\n"
                + "<p class=\"ended\">" + ending.detailKo + "<span class=\"en\" lang=\"en\">" + ending.detailEn
                + "</span></p>\n"
                + "<p>새 종이 패스는 방역패스 지갑 앱에서 인쇄하거나 보건소·주민센터 창구에서 받을 수 있습니다."
                + "<span class=\"en\" lang=\"en\">Print a new paper pass from the wallet app, or get one at a health"
                + " centre or community centre counter.</span></p>\n"
                + "</div>\n</main>\n<script type=\"module\" src=\"/p/proof.js\"></script>\n</body>\n</html>\n";
    }

    /** Why a link shows no pass. */
    public enum Ending {
        EXPIRED(
                "expired",
                "만료된 링크",
                "Link expired",
                "이 링크의 방역패스는 유효기간이 끝났습니다.",
                "The pass this link showed has ended."),
        UNKNOWN(
                "unknown",
                "알 수 없는 링크",
                "Unknown link",
                "이 링크로 열 수 있는 방역패스가 없습니다. 문자 메시지의 주소를 그대로 열었는지 확인하세요.",
                "No pass opens with this link. Check that you opened the address exactly as the message gave it."),
        THROTTLED(
                "throttled",
                "잠시 후 다시 시도하세요",
                "Try again later",
                "이 주소에서 잘못된 링크를 너무 많이 열었습니다. 15분 후 다시 시도하세요.",
                "Too many unknown links were opened from this address. Try again in 15 minutes.");

        private final String state;
        private final String titleKo;
        private final String titleEn;
        private final String detailKo;
        private final String detailEn;

        Ending(String state, String titleKo, String titleEn, String detailKo, String detailEn) {
            this.state = state;
            this.titleKo = titleKo;
            this.titleEn = titleEn;
            this.detailKo = detailKo;
            this.detailEn = detailEn;
        }
    }

    private static String head(String title) {
        return "<!doctype html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta name=\"robots\" content=\"noindex\">\n"
                + "<meta name=\"referrer\" content=\"no-referrer\">\n"
                + "<title>" + title + "</title>\n<link rel=\"icon\" href=\"/shared/icon.svg\">\n"
                + "<style>\n" + STYLE + "</style>\n</head>\n";
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
