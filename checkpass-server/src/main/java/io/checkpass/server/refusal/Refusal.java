package io.checkpass.server.refusal;

import java.time.Instant;
import java.util.List;

/**
 * Why the centre refuses a request, as data: services return or throw these (inside {@link Refused}) and know
 * nothing of HTTP; the HTTP layer maps each case to a status code and a problem type in one place. Each case
 * carries what a caller needs to act on it, and {@link #detail()} says it in a sentence.
 */
public sealed interface Refusal {
    /** What was refused and how to proceed, for the operator or developer reading the answer. */
    String detail();

    /** The calling client is over its issuance rate. */
    record ClientRateLimited(String clientId, long retryAfterSeconds) implements Refusal {
        @Override
        public String detail() {
            return "client '" + clientId + "' is over its issuance rate; retry shortly";
        }
    }

    /** The registry has no such person. */
    record UnknownPerson(String personId) implements Refusal {
        @Override
        public String detail() {
            return "the registry holds no person '" + personId + "'; check the id the provider asserted";
        }
    }

    /** The person already holds credentials for as many devices today as one person may. */
    record DeviceLimitReached(String personId, int devicesPerDay, long retryAfterSeconds) implements Refusal {
        @Override
        public String detail() {
            return "person '" + personId + "' already has credentials for " + devicesPerDay
                    + " devices today; this limit resets at midnight KST";
        }
    }

    /** No medical rule set is in force at the instant the status was asked for. */
    record NoRulesInForce(Instant at) implements Refusal {
        @Override
        public String detail() {
            return "no medical rule set is in force at " + at;
        }
    }

    /** A revocation found no unexpired credential to revoke. */
    record NothingToRevoke(String kind, String subject) implements Refusal {
        @Override
        public String detail() {
            return "no unexpired credential for " + kind + " " + subject;
        }
    }

    /** A scanner (an API client) with this id exists already. */
    record ScannerExists(String scannerId) implements Refusal {
        @Override
        public String detail() {
            return "client id '" + scannerId + "' is taken; choose another scanner id";
        }
    }

    /** The venue rules know no venue type with this code. */
    record UnknownVenueType(String code) implements Refusal {
        @Override
        public String detail() {
            return "venueType '" + code + "' is not a venue type of the rules";
        }
    }

    /** The person's credentials are revoked: nothing is served or issued to them until the revocation is lifted. */
    record PersonRevoked(String personId) implements Refusal {
        @Override
        public String detail() {
            return "person '" + personId + "' is revoked: no credential is served or issued on any device or as a"
                    + " printed pass until an issuer-admin lifts the revocation";
        }
    }

    /** A revocation to lift is not in force. */
    record NotRevoked(String personId) implements Refusal {
        @Override
        public String detail() {
            return "no revocation of person '" + personId + "' is in force";
        }
    }

    /** A decree was not published: it is invalid, or rewrites the past without being marked as a correction. */
    record RulesRejected(String problem) implements Refusal {
        @Override
        public String detail() {
            return problem;
        }
    }

    /** An API client with this id exists already. */
    record ClientExists(String clientId) implements Refusal {
        @Override
        public String detail() {
            return "client id '" + clientId + "' is taken; choose another id, or rotate that client's secret";
        }
    }

    /** No API client has this id. */
    record UnknownClient(String clientId) implements Refusal {
        @Override
        public String detail() {
            return "no API client '" + clientId + "'; list them with GET /api/v1/clients or 'checkpass clients list'";
        }
    }

    /** A client to create is not well formed: its id, name, roles or venue. */
    record ClientRejected(String problem) implements Refusal {
        @Override
        public String detail() {
            return problem;
        }
    }

    /**
     * The centre has an enabled issuer-admin already: {@code admin init} makes the first one only; further clients
     * are made by an issuer-admin (console, API or {@code checkpass clients create}).
     */
    record AlreadyInitialised(List<String> enabledAdmins) implements Refusal {
        public AlreadyInitialised {
            enabledAdmins = List.copyOf(enabledAdmins);
        }

        @Override
        public String detail() {
            return "이미 초기화된 센터입니다: 활성 issuer-admin " + enabledAdmins
                    + " 이(가) 있습니다. 새 클라이언트는 'checkpass clients create'로 만드세요. / The centre is"
                    + " initialised already: it has enabled issuer-admin " + enabledAdmins
                    + "; make further clients with 'checkpass clients create' (or rotate an admin's secret with"
                    + " 'checkpass clients rotate ID').";
        }
    }

    /** No venue has this id. */
    record UnknownVenue(String venueId) implements Refusal {
        @Override
        public String detail() {
            return "no venue '" + venueId + "'";
        }
    }

    /**
     * A pairing code that pairs nothing: unknown, used, or expired. One answer for all three, so a guesser learns
     * nothing from it.
     */
    record PairingCodeInvalid() implements Refusal {
        @Override
        public String detail() {
            return "this pairing code is unknown, used or expired; ask for a new one";
        }
    }

    /** An inspector acted on a venue, violation or report outside the district they are scoped to. */
    record OutOfDistrict(String clientId, String district, String subject) implements Refusal {
        @Override
        public String detail() {
            return subject + " is outside district " + district + " of inspector '" + clientId + "'. / " + subject
                    + "은(는) 담당 시·군·구(" + district + ") 밖입니다.";
        }
    }

    /** An inspector whose district an issuer-admin has not assigned yet may do nothing. */
    record NoDistrict(String clientId) implements Refusal {
        @Override
        public String detail() {
            return "inspector '" + clientId + "' has no district; an issuer-admin assigns one with"
                    + " 'checkpass inspectors assign'. / 담당 시·군·구가 지정되지 않은 단속원입니다.";
        }
    }

    /** No violation (fine) has this id. */
    record UnknownViolation(String violationId) implements Refusal {
        @Override
        public String detail() {
            return "no violation '" + violationId + "'";
        }
    }

    /** The fine is void already: a void is made once. */
    record AlreadyVoided(String violationId, Instant voidedAt) implements Refusal {
        @Override
        public String detail() {
            return "the fine of violation " + violationId + " was voided at " + voidedAt
                    + "; a void is made once. / 이미 취소된 과태료입니다.";
        }
    }

    /** No version of the sanction schedule is in force at the violation's time. */
    record NoScheduleInForce(Instant at) implements Refusal {
        @Override
        public String detail() {
            return "no version of the sanction schedule is in force at " + at
                    + " (pass fines began on 2021-11-08). / 그 시각에 시행 중인 과태료 기준이 없습니다.";
        }
    }
}
