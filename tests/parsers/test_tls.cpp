// Parser tests for probes/tls/tls.hpp: ClientHello / SSLv2 CLIENT-HELLO builders and the server
// first-flight parser.
//
// Real bytes. Every server reply below was captured on 127.0.0.1 from Debian 12's
// OpenSSL 3.0.22 `openssl s_server` and GnuTLS 3.7.9 `gnutls-serv`, answering a hello built by
// build_client_hello (random = A0 A1 … BF, x25519 key share = 09 0A … 28) and sent by a python3
// socket client that kept every byte the server sent until 1.5 s of silence. Keys:
//   rsa.pem/rsa.key  `openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=test -days 1`
//   ec.pem/ec.key    the same with `-newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj /CN=test-ec`
//   dh1024.pem       `openssl dhparam -out dh1024.pem 1024`
// The bytes are embedded as hex strings (two characters per byte) to keep this file readable;
// the same replies, untrimmed, are the seeds in tests/fuzz/corpus/tls/.
#include "probes/tls/dh_primes.hpp"
#include "probes/tls/tls.hpp"
#include "probes/tls/tls_suites.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace trustscan;
using namespace std::literals;

namespace {

using ByteVec = std::vector<std::uint8_t>;

ByteVec unhex(std::string_view h) {
  const auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    return static_cast<std::uint8_t>(c - 'a' + 10);
  };
  ByteVec out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>((nibble(h[i]) << 4) | nibble(h[i + 1])));
  }
  return out;
}

// The ClientHello sent for kOsslTls12EcdheRsa: TLS 1.2, suites C02F C030 009E 0033 002F 000A,
// SNI "localhost", default groups and signature algorithms, renegotiation_info, EMS.
constexpr std::string_view kHelloTls12Localhost =
    "160301009e0100009a0303a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf00000cc02f"
    "c030009e0033002f000a010000650000000e000c0000096c6f63616c686f7374000b00020100000a000a0008001d0017"
    "0018001900170000000d00320030040305030603080708080804080508060809080a080b040105010601030303010302"
    "0402050206020203020102020101ff01000100";

// `openssl s_server -www -accept 127.0.0.1:14433 -cert rsa.pem -key rsa.key -tls1_2`, answering
// kHelloTls12Localhost: ServerHello (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), Certificate,
// ServerKeyExchange (x25519, rsa_pss_rsae_sha256), ServerHelloDone in 4 records.
constexpr std::string_view kOsslTls12EcdheRsa =
    "160303005d020000590303ccd5207ed07f56b6449a889f5d087263ed20c2b8caf551780a29c8de3cae5a3d2025bccc95"
    "c5dbad624239ee87aafc3a3f5c7153fcc5774d432878ff62f1be8fdec02f000011ff01000100000b0004030001020017"
    "0000160303030d0b000309000306000303308202ff308201e7a003020102021449d9538ff5a83dfe3a2d33a34c018ead"
    "e1ddcb44300d06092a864886f70d01010b0500300f310d300b06035504030c0474657374301e170d3236313132353130"
    "313433345a170d3236313132363130313433345a300f310d300b06035504030c047465737430820122300d06092a8648"
    "86f70d01010105000382010f003082010a0282010100b69b67c4ca9792a6bcadc6e9ec7ffdea46749240070b38a2a254"
    "a68d9a790a4adeb4b162564fb2f105d657deaeb42f2944fe8d1e44f82f147b6d62cdca6ce3505e1444f083d1bd650af2"
    "e04ac4537c5a87975703744d68faaef5acc0e33a38d68be5f3c161305ae1d9a91dd473dfe7388aece292b87093464d44"
    "2ecb863372242ae5566a594e5d57778fec60329230fd66ec7e78e93ac3d9fabbcc10aafffde1d8c14679bb992a2e7742"
    "61b48080c960f57229287806ba3d7d5d56b50c8321ab3055a274a08568a79f522932acc110a8d61fb12bd12907db9a42"
    "6924100fb0c81b2cad815b386a1e80795fc0924ee1933280d24313099c2c858cec4e4f9d81f10203010001a353305130"
    "1d0603551d0e04160414482226af5facef2701e905c8e07b927a5e0d1d92301f0603551d23041830168014482226af5f"
    "acef2701e905c8e07b927a5e0d1d92300f0603551d130101ff040530030101ff300d06092a864886f70d01010b050003"
    "820101007480a91e852f675bf940995a2ac2e85d95d6cc521d833630ec2f92230d4e68e546c5cf16042d9bbbf02ac4f5"
    "e5208d616433c362fb72450133bb1895e86f7c9b9448d02f615f6f6a7c89aac415c902b185a593a66cc31c81967ab31b"
    "b2255a5108322d267fdf95c6159b4f82b7c0fcecb3dc2856ce425f84dc67f837f2bd350f509068919cb1e1f8036aa2bc"
    "9acf59b47f72b9ea580dec1f4cb35e4fda183da832789ea516582dfad69573243367e3b3c6514736aa46e06eee339fc0"
    "9f028fc7edf0854a1ab5286dca79d0fc4343b2ff063e0528232c637011e2bad5d6ada23f5b00adc48d0f9abf379dbbba"
    "eb6107d81a9001d4449c6a0e2b424f0ec57d04fb160303012c0c00012803001d20e4ba38fc7bdd6f222cda13e35db6f2"
    "d71103f819a2cbdc1ce1d83fcb0954003608040100a9287b5cf6279fa0afc74b0e4608ca46fcdc06e9a45e38c04043ea"
    "7782af057f4bb252ff69f7157923b6e128902ee35a5247652c9bb80e29ff9da09ddf8d922a565216abfdc6eb8694bfb2"
    "bcf9178f1797c2f513acdca3c5e64dd0cbfdc01eaa56741ca5fda20f014da4d8a2e3ae8beea87b3ce9631c13a0897c27"
    "233ceec74c96c635fe0be54f9c35c171386e30713ae666a423efee3cb9c1eecb38067bd3954dc0931172c9f1a5118c78"
    "2ac742738a9bbd82a081d436d3c331746d14d0df82fba463e095b822730c4785093dd8a2413a8ceb8cc9c53ad4faa559"
    "19febe5d9d58c38f0f3612787ee985dca1f45a2dcb206d1dbaf7448c63755a420b8fe0285416030300040e000000";

// `openssl s_server -www … -cert rsa.pem -key rsa.key -tls1 -cipher ALL:@SECLEVEL=0
// -dhparam dh1024.pem`, answering a TLS 1.0 hello offering 0033 0039 002F (no SNI):
// TLS_DHE_RSA_WITH_AES_128_CBC_SHA with the 1024-bit group.
constexpr std::string_view kOsslTls10Dhe1024 =
    "1603010055020000510301f84ee9992a51ddea0d312ed351a062e66f822ee982b50f864bdb439a5592d51d209ecbccd7"
    "471aba5f7c08c43313dc862920c84a670e01f92acb6e7a74b5ae038e0033000009ff0100010000170000160301030d0b"
    "000309000306000303308202ff308201e7a003020102021449d9538ff5a83dfe3a2d33a34c018eade1ddcb44300d0609"
    "2a864886f70d01010b0500300f310d300b06035504030c0474657374301e170d3236313132353130313433345a170d32"
    "36313132363130313433345a300f310d300b06035504030c047465737430820122300d06092a864886f70d0101010500"
    "0382010f003082010a0282010100b69b67c4ca9792a6bcadc6e9ec7ffdea46749240070b38a2a254a68d9a790a4adeb4"
    "b162564fb2f105d657deaeb42f2944fe8d1e44f82f147b6d62cdca6ce3505e1444f083d1bd650af2e04ac4537c5a8797"
    "5703744d68faaef5acc0e33a38d68be5f3c161305ae1d9a91dd473dfe7388aece292b87093464d442ecb863372242ae5"
    "566a594e5d57778fec60329230fd66ec7e78e93ac3d9fabbcc10aafffde1d8c14679bb992a2e774261b48080c960f572"
    "29287806ba3d7d5d56b50c8321ab3055a274a08568a79f522932acc110a8d61fb12bd12907db9a426924100fb0c81b2c"
    "ad815b386a1e80795fc0924ee1933280d24313099c2c858cec4e4f9d81f10203010001a3533051301d0603551d0e0416"
    "0414482226af5facef2701e905c8e07b927a5e0d1d92301f0603551d23041830168014482226af5facef2701e905c8e0"
    "7b927a5e0d1d92300f0603551d130101ff040530030101ff300d06092a864886f70d01010b050003820101007480a91e"
    "852f675bf940995a2ac2e85d95d6cc521d833630ec2f92230d4e68e546c5cf16042d9bbbf02ac4f5e5208d616433c362"
    "fb72450133bb1895e86f7c9b9448d02f615f6f6a7c89aac415c902b185a593a66cc31c81967ab31bb2255a5108322d26"
    "7fdf95c6159b4f82b7c0fcecb3dc2856ce425f84dc67f837f2bd350f509068919cb1e1f8036aa2bc9acf59b47f72b9ea"
    "580dec1f4cb35e4fda183da832789ea516582dfad69573243367e3b3c6514736aa46e06eee339fc09f028fc7edf0854a"
    "1ab5286dca79d0fc4343b2ff063e0528232c637011e2bad5d6ada23f5b00adc48d0f9abf379dbbbaeb6107d81a9001d4"
    "449c6a0e2b424f0ec57d04fb160301020d0c0002090080d0252c1ae5f4a6a402256c4a4bf26d6071d3127fbeeb483540"
    "39be7c8f642b3f138b22fe46b0a86eeaa7267655aba6a8e298c728d2d40f9ad66495d04e67eb6a0014cd83cdb7e40562"
    "516049d787eb0cb45d7f260afbfd97160ae2bb5e56619584733bef339ce518067f5fc5fe3b20bcc2dad122be02d9b64b"
    "c3b2ba45f1259f0001020080582e9f276770d24748b0e60c03439a9566807411c9cfc446292aff9afda804aa00d08f7b"
    "50b0cc1347588f39ae6846f7181cd0a21191153f537b158b63e42aa681e5aa3919cfd0a73dd453049fee14e83ba036cf"
    "f5974028a235ef9be8fcd316d49aac2ae72aae25833d4b54d6876fb21180691f28b363c5cac3b82a1dfd0f7501002bf7"
    "0d6a2ef907ef36fa8780e61c05af308be2559a496b7e5f10897593bbc68cbf844d4dede0c39de187063705f7c1b1d0d9"
    "7d15c7caebc4825dd80ab48c0563629dd5257aca668127102dc98d91fa145eab1d7b41fcf3f4f2a393b0b417eea9b2fc"
    "2eb4d26dd918320c40a5c1e1f241800a847623dd8f239efb547d503d85e95a57e93f0dc111fe359a3daa9070136351fa"
    "0f64a7964368d6e9d14d233e4be996b2dc3a0dd3080f5f6daac4d50a8bdcecf782e290b1ee6b231bc7a30783e00e595b"
    "fc337c66274428927e236a6a327f4844b0acdf079f02168e7f9f3b5ea6e2e3f5e85135c5b956e461cc4f11250abc1ebe"
    "faa90199d7aa3e878d12c14c23fd16030100040e000000";

// `openssl s_server -www … -cert ec.pem -key ec.key -tls1_3`, answering a TLS 1.3 hello (1301 1302
// 1303, SNI localhost, 32-byte session id 5A…, x25519 key share): the ServerHello record and the
// middlebox-compatibility ChangeCipherSpec record; the 603 encrypted bytes after them are left
// out here (they are in the corpus file).
constexpr std::string_view kOsslTls13 =
    "160303007a020000760303c3d4eb84a096bbf980934982249a38ff5bf52b7652391a844383eb778ae82f85205a5a5a5a"
    "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a130100002e002b0002030400330024001d002007"
    "da5135f9e0e8c0db57baa713eb06fd45b29cbe62d3f79d3012e952d7bfcd6b140303000101";

// `openssl s_server -www … -cert ec.pem -key ec.key -tls1_3 -groups P-256`, answering a TLS 1.3
// hello (1302 1301, groups x25519 secp256r1, x25519 key share only): HelloRetryRequest asking
// for secp256r1, then ChangeCipherSpec. The whole reply.
constexpr std::string_view kOsslTls13Hrr =
    "1603030058020000540303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c205a5a5a5a"
    "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a130200000c002b00020304003300020017140303"
    "000101";

// `openssl s_server -www … -cert ec.pem -key ec.key` (TLS 1.2 and 1.3 enabled), answering a
// TLS 1.2 hello (C02B C02C CCA9): TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 with the "DOWNGRD\x01"
// sentinel ending ServerHello.random.
constexpr std::string_view kOsslTls12DowngradeEcdsa =
    "160303005d02000059030365b139002160561b3c06bb68f0c73aef9b64961de6a3fed7444f574e47524401203b469362"
    "ee03adb5336d6387b0f22ab77e19cb8769d282cc6bf4029cc27386c5c02b000011ff01000100000b0004030001020017"
    "000016030301870b00018300018000017d308201793082011fa0030201020214475c97e61acebfd40e546c4efa8a3030"
    "96a00e7d300a06082a8648ce3d04030230123110300e06035504030c07746573742d6563301e170d3236313132353130"
    "313433345a170d3236313132363130313433345a30123110300e06035504030c07746573742d65633059301306072a86"
    "48ce3d020106082a8648ce3d03010703420004ea8e1ce39e999ba58f16994ee73f85c4fbceacb3a967a2eb5a0b9015c2"
    "d0b33e8ee30e205027ebe1597f02f412f65f44f41c90bc4f47d1685c12fd6a9f323043a3533051301d0603551d0e0416"
    "0414d551dc0512c0d73b4d4bad721af49710fd9d7ac3301f0603551d23041830168014d551dc0512c0d73b4d4bad721a"
    "f49710fd9d7ac3300f0603551d130101ff040530030101ff300a06082a8648ce3d0403020348003045022100a5af1266"
    "15d6d084c7fa095d8f1c42f10655c750ad90d99ac19d9d4ea5c4869f022053e798f41828689c044b2725df3f03a64188"
    "b8036fdcfc2ecf2c6a0bf142342c16030300730c00006f03001d206d8bf1e7de425230b55a20286967339cbdcf4896e3"
    "12d032dd4d1ed98cb4f778040300473045022003770dca6020044fca444ef80173e88d30eeb4edd2977d7bc7e2548ccc"
    "7eca20022100d48b6d78afa42822a39cdbb06ff727a3638cd1807edb85488c831ee7b3e0681816030300040e000000";

// `gnutls-serv -p 14434 --x509certfile rsa.pem --x509keyfile rsa.key --priority
// NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+3DES-CBC:+ARCFOUR-128:+RSA:+DHE-RSA:+SHA1:%COMPAT` (the
// router persona's priority, tests/lab/README.md), answering a TLS 1.0 hello offering only
// 000A: TLS_RSA_WITH_3DES_EDE_CBC_SHA, one handshake message per record.
constexpr std::string_view kGnutlsTls10Tdes =
    "16030100510200004d0301e3625da70bf9628aa6628e5d318e537ef3d060af1d9ee843444f574e47524400201479665e"
    "8727a278691b022b758e1ae08ab5053352028874f77ad779f89492af000a000005ff01000100160301030d0b00030900"
    "0306000303308202ff308201e7a003020102021449d9538ff5a83dfe3a2d33a34c018eade1ddcb44300d06092a864886"
    "f70d01010b0500300f310d300b06035504030c0474657374301e170d3236313132353130313433345a170d3236313132"
    "363130313433345a300f310d300b06035504030c047465737430820122300d06092a864886f70d01010105000382010f"
    "003082010a0282010100b69b67c4ca9792a6bcadc6e9ec7ffdea46749240070b38a2a254a68d9a790a4adeb4b162564f"
    "b2f105d657deaeb42f2944fe8d1e44f82f147b6d62cdca6ce3505e1444f083d1bd650af2e04ac4537c5a87975703744d"
    "68faaef5acc0e33a38d68be5f3c161305ae1d9a91dd473dfe7388aece292b87093464d442ecb863372242ae5566a594e"
    "5d57778fec60329230fd66ec7e78e93ac3d9fabbcc10aafffde1d8c14679bb992a2e774261b48080c960f57229287806"
    "ba3d7d5d56b50c8321ab3055a274a08568a79f522932acc110a8d61fb12bd12907db9a426924100fb0c81b2cad815b38"
    "6a1e80795fc0924ee1933280d24313099c2c858cec4e4f9d81f10203010001a3533051301d0603551d0e041604144822"
    "26af5facef2701e905c8e07b927a5e0d1d92301f0603551d23041830168014482226af5facef2701e905c8e07b927a5e"
    "0d1d92300f0603551d130101ff040530030101ff300d06092a864886f70d01010b050003820101007480a91e852f675b"
    "f940995a2ac2e85d95d6cc521d833630ec2f92230d4e68e546c5cf16042d9bbbf02ac4f5e5208d616433c362fb724501"
    "33bb1895e86f7c9b9448d02f615f6f6a7c89aac415c902b185a593a66cc31c81967ab31bb2255a5108322d267fdf95c6"
    "159b4f82b7c0fcecb3dc2856ce425f84dc67f837f2bd350f509068919cb1e1f8036aa2bc9acf59b47f72b9ea580dec1f"
    "4cb35e4fda183da832789ea516582dfad69573243367e3b3c6514736aa46e06eee339fc09f028fc7edf0854a1ab5286d"
    "ca79d0fc4343b2ff063e0528232c637011e2bad5d6ada23f5b00adc48d0f9abf379dbbbaeb6107d81a9001d4449c6a0e"
    "2b424f0ec57d04fb160301000a0d00000603010240000016030100040e000000";

// The same gnutls-serv, answering a TLS 1.2 hello offering 0005 0004 with SNI localhost:
// TLS_RSA_WITH_RC4_128_SHA.
constexpr std::string_view kGnutlsTls12Rc4 =
    "16030300510200004d030319da085e86bebe072e31363ebe91d7061fc0576e0fd2db22444f574e475244012005846b54"
    "2182a944dafb2c5cd341f6e0b130a04c69c677b3f6e74bd50e1d15590005000005ff01000100160303030d0b00030900"
    "0306000303308202ff308201e7a003020102021449d9538ff5a83dfe3a2d33a34c018eade1ddcb44300d06092a864886"
    "f70d01010b0500300f310d300b06035504030c0474657374301e170d3236313132353130313433345a170d3236313132"
    "363130313433345a300f310d300b06035504030c047465737430820122300d06092a864886f70d01010105000382010f"
    "003082010a0282010100b69b67c4ca9792a6bcadc6e9ec7ffdea46749240070b38a2a254a68d9a790a4adeb4b162564f"
    "b2f105d657deaeb42f2944fe8d1e44f82f147b6d62cdca6ce3505e1444f083d1bd650af2e04ac4537c5a87975703744d"
    "68faaef5acc0e33a38d68be5f3c161305ae1d9a91dd473dfe7388aece292b87093464d442ecb863372242ae5566a594e"
    "5d57778fec60329230fd66ec7e78e93ac3d9fabbcc10aafffde1d8c14679bb992a2e774261b48080c960f57229287806"
    "ba3d7d5d56b50c8321ab3055a274a08568a79f522932acc110a8d61fb12bd12907db9a426924100fb0c81b2cad815b38"
    "6a1e80795fc0924ee1933280d24313099c2c858cec4e4f9d81f10203010001a3533051301d0603551d0e041604144822"
    "26af5facef2701e905c8e07b927a5e0d1d92301f0603551d23041830168014482226af5facef2701e905c8e07b927a5e"
    "0d1d92300f0603551d130101ff040530030101ff300d06092a864886f70d01010b050003820101007480a91e852f675b"
    "f940995a2ac2e85d95d6cc521d833630ec2f92230d4e68e546c5cf16042d9bbbf02ac4f5e5208d616433c362fb724501"
    "33bb1895e86f7c9b9448d02f615f6f6a7c89aac415c902b185a593a66cc31c81967ab31bb2255a5108322d267fdf95c6"
    "159b4f82b7c0fcecb3dc2856ce425f84dc67f837f2bd350f509068919cb1e1f8036aa2bc9acf59b47f72b9ea580dec1f"
    "4cb35e4fda183da832789ea516582dfad69573243367e3b3c6514736aa46e06eee339fc09f028fc7edf0854a1ab5286d"
    "ca79d0fc4343b2ff063e0528232c637011e2bad5d6ada23f5b00adc48d0f9abf379dbbbaeb6107d81a9001d4449c6a0e"
    "2b424f0ec57d04fb160303002b0d0000270201400020040108090804040308070501080a0805050308080601080b0806"
    "060302010203000016030300040e000000";

// The same gnutls-serv with `--dhparams dh1024.pem`, answering a TLS 1.2 hello offering 0033 0067
// 009E and the default groups (no FFDHE group): TLS_DHE_RSA_WITH_AES_128_CBC_SHA, 1024-bit p.
constexpr std::string_view kGnutlsTls12Dhe1024 =
    "16030300510200004d03036c4d4312d423943f59f74891c0eee873c5a3395b8efe3511444f574e4752440120ee7bd3e6"
    "9aa13089599fa70260f306ff0d7c6decf33998815411cc4cdd4970ed0033000005ff01000100160303030d0b00030900"
    "0306000303308202ff308201e7a003020102021449d9538ff5a83dfe3a2d33a34c018eade1ddcb44300d06092a864886"
    "f70d01010b0500300f310d300b06035504030c0474657374301e170d3236313132353130313433345a170d3236313132"
    "363130313433345a300f310d300b06035504030c047465737430820122300d06092a864886f70d01010105000382010f"
    "003082010a0282010100b69b67c4ca9792a6bcadc6e9ec7ffdea46749240070b38a2a254a68d9a790a4adeb4b162564f"
    "b2f105d657deaeb42f2944fe8d1e44f82f147b6d62cdca6ce3505e1444f083d1bd650af2e04ac4537c5a87975703744d"
    "68faaef5acc0e33a38d68be5f3c161305ae1d9a91dd473dfe7388aece292b87093464d442ecb863372242ae5566a594e"
    "5d57778fec60329230fd66ec7e78e93ac3d9fabbcc10aafffde1d8c14679bb992a2e774261b48080c960f57229287806"
    "ba3d7d5d56b50c8321ab3055a274a08568a79f522932acc110a8d61fb12bd12907db9a426924100fb0c81b2cad815b38"
    "6a1e80795fc0924ee1933280d24313099c2c858cec4e4f9d81f10203010001a3533051301d0603551d0e041604144822"
    "26af5facef2701e905c8e07b927a5e0d1d92301f0603551d23041830168014482226af5facef2701e905c8e07b927a5e"
    "0d1d92300f0603551d130101ff040530030101ff300d06092a864886f70d01010b050003820101007480a91e852f675b"
    "f940995a2ac2e85d95d6cc521d833630ec2f92230d4e68e546c5cf16042d9bbbf02ac4f5e5208d616433c362fb724501"
    "33bb1895e86f7c9b9448d02f615f6f6a7c89aac415c902b185a593a66cc31c81967ab31bb2255a5108322d267fdf95c6"
    "159b4f82b7c0fcecb3dc2856ce425f84dc67f837f2bd350f509068919cb1e1f8036aa2bc9acf59b47f72b9ea580dec1f"
    "4cb35e4fda183da832789ea516582dfad69573243367e3b3c6514736aa46e06eee339fc09f028fc7edf0854a1ab5286d"
    "ca79d0fc4343b2ff063e0528232c637011e2bad5d6ada23f5b00adc48d0f9abf379dbbbaeb6107d81a9001d4449c6a0e"
    "2b424f0ec57d04fb160303020f0c00020b0080d0252c1ae5f4a6a402256c4a4bf26d6071d3127fbeeb48354039be7c8f"
    "642b3f138b22fe46b0a86eeaa7267655aba6a8e298c728d2d40f9ad66495d04e67eb6a0014cd83cdb7e40562516049d7"
    "87eb0cb45d7f260afbfd97160ae2bb5e56619584733bef339ce518067f5fc5fe3b20bcc2dad122be02d9b64bc3b2ba45"
    "f1259f0001020080790ec39a82dc126524f7e33eb272c41099eca1a929c76ea745a1b54281eb9244ea7831159143eb5d"
    "a4985eacfc53231e6d7af20ee8a337cbcab913d80d712303e826cfc7c2ed71b06ffe685acf9bae716479a86122eac721"
    "fb6c5633391cbeebeea9d46c496b3d395de2ba4958fc06c1e5c3714773187cdffa1f0eccc32ae6cf08040100507c3e11"
    "75c5c5afa9720fa92b15d3458c6dfd2172c40cf5939e7c0fd3f84835c8cb19b5b6265c20bf920a0d8def61cb852c73c8"
    "031309e44759e094cf4da5e94037bfc7348e7db710bc71297525b9e620429be7f7e34c27f7133c776fd04f2f9cdf3790"
    "5dc3cff9d8ed32700e359892ba72852ce76c3d33b62a9ea7c890dde26dcdcb7c4702210bcb84b75fe0b7e41aa87abaa0"
    "ef1533ce18329b1949a1eefc6f24041474a5753bb22ba41c3728b939f7ee443832ae76ac622ab5f32614cb9461173eb7"
    "5313699b91c420978f2b07617a894d9e65d5393d233613badb3aaaa999535f0a3d808bdbfdf8aad29816aa69fa7cb33e"
    "360e96c52432e39f9e251d1a160303002b0d0000270201400020040108090804040308070501080a0805050308080601"
    "080b0806060302010203000016030300040e000000";

// Alerts, all from `openssl s_server -www … -cert rsa.pem -key rsa.key` plus:
//   protocol_version: -tls1_2, a TLS 1.0 hello (C013 002F 000A)
constexpr std::string_view kOsslAlertProtocolVersion =
    "15030100020246";

//   handshake_failure: -tls1_2, a TLS 1.2 hello offering only 000A 0005 0004
constexpr std::string_view kOsslAlertHandshakeFailure =
    "15030300020228";

//   SSLv3: default server, an SSLv3 hello without extensions (0035 002F 000A 0005 + 00FF):
//   OpenSSL 3 answers handshake_failure in an SSLv3 record, not protocol_version
constexpr std::string_view kOsslAlertSslv3 =
    "15030000020228";

//   SSLv2: default server, build_sslv2_client_hello(sslv2_default_cipher_specs() + 00002F
//   00000A, 16-byte challenge): a TLS protocol_version alert
constexpr std::string_view kOsslAlertSslv2 =
    "15030300020246";

//   inappropriate_fallback: -cipher ALL:@SECLEVEL=0, a TLS 1.1 hello with TLS_FALLBACK_SCSV
constexpr std::string_view kOsslAlertFallback =
    "15030200020256";

// ---- a small, strict ClientHello reader (independent of the code under test) -------------------

struct ParsedHello {
  std::uint16_t record_version = 0;
  std::size_t handshake_length = 0;  // ClientHello message including its 4-byte header
  std::uint16_t legacy_version = 0;
  ByteVec random;
  ByteVec session_id;
  std::vector<std::uint16_t> suites;
  ByteVec compression;
  bool has_extension_block = false;
  std::vector<std::uint16_t> ext_order;
  std::map<std::uint16_t, ByteVec> ext;
};

std::uint16_t get16(const ByteVec& b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

// Returns false on any length inconsistency, trailing byte or duplicate extension.
bool read_client_hello(const ByteVec& rec, ParsedHello& h) {
  if (rec.size() < 9 || rec[0] != 22 || rec[1] != 3) return false;
  h.record_version = get16(rec, 1);
  if (get16(rec, 3) != rec.size() - 5 || rec[5] != 1) return false;
  const std::size_t body_len = (std::size_t{rec[6]} << 16) | (std::size_t{rec[7]} << 8) | rec[8];
  if (body_len != rec.size() - 9) return false;
  h.handshake_length = body_len + 4;
  std::size_t p = 9;
  const auto need = [&](std::size_t n) { return rec.size() - p >= n; };
  if (!need(35)) return false;
  h.legacy_version = get16(rec, p);
  h.random.assign(rec.begin() + static_cast<std::ptrdiff_t>(p + 2),
                  rec.begin() + static_cast<std::ptrdiff_t>(p + 34));
  p += 34;
  const std::size_t sid = rec[p++];
  if (sid > 32 || !need(sid + 2)) return false;
  h.session_id.assign(rec.begin() + static_cast<std::ptrdiff_t>(p),
                      rec.begin() + static_cast<std::ptrdiff_t>(p + sid));
  p += sid;
  const std::size_t suites = get16(rec, p);
  p += 2;
  if (suites % 2 != 0 || !need(suites + 1)) return false;
  for (std::size_t i = 0; i < suites; i += 2) h.suites.push_back(get16(rec, p + i));
  p += suites;
  const std::size_t comp = rec[p++];
  if (comp == 0 || !need(comp)) return false;
  h.compression.assign(rec.begin() + static_cast<std::ptrdiff_t>(p),
                       rec.begin() + static_cast<std::ptrdiff_t>(p + comp));
  p += comp;
  if (p == rec.size()) return true;
  if (!need(2) || get16(rec, p) != rec.size() - p - 2) return false;
  h.has_extension_block = true;
  p += 2;
  while (p < rec.size()) {
    if (!need(4)) return false;
    const std::uint16_t type = get16(rec, p);
    const std::size_t len = get16(rec, p + 2);
    p += 4;
    if (!need(len) || h.ext.count(type) != 0) return false;
    h.ext[type].assign(rec.begin() + static_cast<std::ptrdiff_t>(p),
                       rec.begin() + static_cast<std::ptrdiff_t>(p + len));
    h.ext_order.push_back(type);
    p += len;
  }
  return true;
}

ParsedHello hello_of(const ClientHelloSpec& spec) {
  const ClientHello built = build_client_hello(spec);
  ParsedHello h;
  REQUIRE(read_client_hello(built.bytes, h));
  CHECK(built.bytes.size() <= 5 + 16384);
  return h;
}

std::vector<std::uint16_t> list16(const ByteVec& b, std::size_t prefix) {
  std::vector<std::uint16_t> v;
  for (std::size_t i = prefix; i + 1 < b.size(); i += 2) v.push_back(get16(b, i));
  return v;
}

ClientHelloSpec test_spec() {
  ClientHelloSpec spec;
  for (std::size_t i = 0; i < 32; ++i) spec.random[i] = static_cast<std::uint8_t>(0xA0 + i);
  for (std::size_t i = 0; i < 32; ++i) spec.x25519_key_share[i] = static_cast<std::uint8_t>(9 + i);
  return spec;
}

// ---- flight helpers ----------------------------------------------------------------------------

struct Result {
  Parse parse = Parse::invalid;
  ServerFlight flight;
  std::size_t consumed = 0;
};

Result parse(const ByteVec& in) {
  Result r;
  r.parse = parse_server_hello_flight(in, r.flight, r.consumed);
  return r;
}

void check_same_hello(const TlsServerHello& a, const TlsServerHello& b) {
  CHECK(a.legacy_version == b.legacy_version);
  CHECK(a.random == b.random);
  CHECK(a.session_id == b.session_id);
  CHECK(a.cipher_suite == b.cipher_suite);
  CHECK(a.compression == b.compression);
  CHECK(a.hello_retry_request == b.hello_retry_request);
  CHECK(a.downgrade == b.downgrade);
  CHECK(a.supported_version == b.supported_version);
  CHECK(a.renegotiation_info == b.renegotiation_info);
  CHECK(a.key_share_group == b.key_share_group);
  CHECK(a.alpn == b.alpn);
  CHECK(a.extended_master_secret == b.extended_master_secret);
  CHECK(a.encrypt_then_mac == b.encrypt_then_mac);
  CHECK(a.session_ticket == b.session_ticket);
  CHECK(a.status_request == b.status_request);
  CHECK(a.server_name == b.server_name);
  CHECK(a.heartbeat_mode == b.heartbeat_mode);
  CHECK(a.ec_point_formats == b.ec_point_formats);
  CHECK(a.extensions == b.extensions);
}

// Everything but `records` and `record_version`, which re-fragmentation changes.
void check_same_flight(const ServerFlight& a, const ServerFlight& b) {
  CHECK(a.alert.has_value() == b.alert.has_value());
  if (a.alert && b.alert) {
    CHECK(a.alert->level == b.alert->level);
    CHECK(a.alert->description == b.alert->description);
  }
  CHECK(a.warnings.size() == b.warnings.size());
  REQUIRE(a.server_hello.has_value() == b.server_hello.has_value());
  if (a.server_hello) check_same_hello(*a.server_hello, *b.server_hello);
  CHECK(a.negotiated_version == b.negotiated_version);
  CHECK(a.version == b.version);
  CHECK(a.certificates == b.certificates);
  CHECK(a.certificate_count == b.certificate_count);
  CHECK(a.certificates_truncated == b.certificates_truncated);
  CHECK(a.certificate_status == b.certificate_status);
  CHECK(a.server_key_exchange == b.server_key_exchange);
  CHECK(a.dh_prime_bits == b.dh_prime_bits);
  CHECK(a.ecdhe_curve == b.ecdhe_curve);
  CHECK(a.ecdhe_explicit_curve == b.ecdhe_explicit_curve);
  CHECK(a.rsa_export_modulus_bits == b.rsa_export_modulus_bits);
  CHECK(a.ske_signature_algorithm == b.ske_signature_algorithm);
  CHECK(a.certificate_request == b.certificate_request);
  CHECK(a.server_hello_done == b.server_hello_done);
  CHECK(a.change_cipher_spec == b.change_cipher_spec);
  REQUIRE(a.sslv2.has_value() == b.sslv2.has_value());
  if (a.sslv2) {
    CHECK(a.sslv2->version == b.sslv2->version);
    CHECK(a.sslv2->cipher_kinds == b.sslv2->cipher_kinds);
    CHECK(a.sslv2->certificate == b.sslv2->certificate);
    CHECK(a.sslv2->error == b.sslv2->error);
  }
}

// docs/probes.md: a proper prefix is need_more (never done, never invalid for a valid reply);
// the whole reply, or the reply plus trailing bytes, or the reply fed in two parts at any
// offset (the probe appends and re-parses), gives the same answer.
Result check_every_split(const ByteVec& all) {
  const Result whole = parse(all);
  REQUIRE(whole.parse == Parse::done);
  REQUIRE(whole.consumed <= all.size());
  for (std::size_t k = 0; k < whole.consumed; ++k) {
    const ByteVec prefix(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k));
    const Result r = parse(prefix);
    CAPTURE(k);
    CHECK(r.parse == Parse::need_more);
    ByteVec again = prefix;
    again.insert(again.end(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end());
    const Result second = parse(again);
    CHECK(second.parse == Parse::done);
    CHECK(second.consumed == whole.consumed);
  }
  ByteVec exact(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(whole.consumed));
  const Result e = parse(exact);
  CHECK(e.parse == Parse::done);
  CHECK(e.consumed == whole.consumed);
  check_same_flight(e.flight, whole.flight);
  ByteVec extra = all;
  extra.insert(extra.end(), {0x17, 0x03, 0x03, 0x00, 0x10, 0xde, 0xad});
  const Result x = parse(extra);
  CHECK(x.parse == Parse::done);
  CHECK(x.consumed == whole.consumed);
  check_same_flight(x.flight, whole.flight);
  return whole;
}

// The handshake bytes of a TLS reply (records of type 22 only, up to the first other record).
ByteVec handshake_stream(const ByteVec& reply) {
  ByteVec hs;
  std::size_t p = 0;
  while (p + 5 <= reply.size() && reply[p] == 22) {
    const std::size_t len = get16(reply, p + 3);
    hs.insert(hs.end(), reply.begin() + static_cast<std::ptrdiff_t>(p + 5),
              reply.begin() + static_cast<std::ptrdiff_t>(p + 5 + len));
    p += 5 + len;
  }
  return hs;
}

// Re-wraps a handshake stream into records of at most `size` bytes.
ByteVec as_records(const ByteVec& hs, std::size_t size, std::uint16_t version = 0x0303) {
  ByteVec out;
  for (std::size_t p = 0; p < hs.size(); p += size) {
    const std::size_t n = std::min(size, hs.size() - p);
    out.push_back(22);
    out.push_back(static_cast<std::uint8_t>(version >> 8));
    out.push_back(static_cast<std::uint8_t>(version));
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n));
    out.insert(out.end(), hs.begin() + static_cast<std::ptrdiff_t>(p),
               hs.begin() + static_cast<std::ptrdiff_t>(p + n));
  }
  return out;
}

ByteVec record(std::uint8_t type, const ByteVec& payload, std::uint16_t version = 0x0303) {
  ByteVec out{type, static_cast<std::uint8_t>(version >> 8), static_cast<std::uint8_t>(version),
              static_cast<std::uint8_t>(payload.size() >> 8),
              static_cast<std::uint8_t>(payload.size())};
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

ByteVec handshake(std::uint8_t type, const ByteVec& body) {
  ByteVec out{type, static_cast<std::uint8_t>(body.size() >> 16),
              static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// A TLS 1.2 ServerHello body choosing `suite`, with no extensions.
ByteVec server_hello_body(std::uint16_t suite, std::uint16_t version = 0x0303) {
  ByteVec b{static_cast<std::uint8_t>(version >> 8), static_cast<std::uint8_t>(version)};
  for (int i = 0; i < 32; ++i) b.push_back(static_cast<std::uint8_t>(i));
  b.push_back(0);  // no session id
  b.push_back(static_cast<std::uint8_t>(suite >> 8));
  b.push_back(static_cast<std::uint8_t>(suite));
  b.push_back(0);
  return b;
}

void append(ByteVec& a, const ByteVec& b) { a.insert(a.end(), b.begin(), b.end()); }

}  // namespace

// ---- builder -----------------------------------------------------------------------------------

TEST_CASE("tls build_client_hello: reproduces the hello sent for the captures") {
  ClientHelloSpec spec = test_spec();
  spec.cipher_suites = {0xc02f, 0xc030, 0x009e, 0x0033, 0x002f, 0x000a};
  spec.server_name = "localhost";
  const ClientHello built = build_client_hello(spec);
  CHECK(built.bytes == unhex(kHelloTls12Localhost));
  CHECK(built.offered_suites == spec.cipher_suites);
  CHECK_FALSE(built.truncated);
  CHECK(build_client_hello(spec).bytes == built.bytes);  // deterministic
}

TEST_CASE("tls build_client_hello: TLS 1.2 structure") {
  ClientHelloSpec spec = test_spec();
  spec.cipher_suites = {0xc02f, 0x0005, 0x000a, 0xfefe, 0x1234};  // any code, unknown ones too
  spec.server_name = "camera.example.";
  spec.session_id = ByteVec(40, 0x5a);  // cut at 32
  const ParsedHello h = hello_of(spec);
  CHECK(h.record_version == 0x0301);
  CHECK(h.legacy_version == 0x0303);
  CHECK(h.random == ByteVec(spec.random.begin(), spec.random.end()));
  CHECK(h.session_id == ByteVec(32, 0x5a));
  CHECK(h.suites == spec.cipher_suites);
  CHECK(h.compression == ByteVec{0});
  REQUIRE(h.ext.count(0) == 1);  // SNI without the trailing dot
  const ByteVec sni = h.ext.at(0);
  CHECK(get16(sni, 0) == sni.size() - 2);
  CHECK(sni[2] == 0);
  CHECK(std::string(sni.begin() + 5, sni.end()) == "camera.example");
  CHECK(h.ext.at(11) == ByteVec{1, 0});
  CHECK(list16(h.ext.at(10), 2) == std::vector<std::uint16_t>{0x001d, 0x0017, 0x0018, 0x0019});
  CHECK(get16(h.ext.at(10), 0) == 8);
  const auto sigalgs = list16(h.ext.at(13), 2);
  CHECK(sigalgs.size() == std::size(kTlsDefaultSigalgs));
  CHECK(std::find(sigalgs.begin(), sigalgs.end(), 0x0201) != sigalgs.end());  // rsa_pkcs1_sha1
  CHECK(std::find(sigalgs.begin(), sigalgs.end(), 0x0101) != sigalgs.end());  // rsa_md5
  CHECK(h.ext.count(23) == 1);                    // extended_master_secret
  CHECK(h.ext.at(0xff01) == ByteVec{0});          // empty renegotiation_info
  CHECK(h.ext_order.back() == 0xff01);            // the last extension is never empty
  for (const int absent : {5, 15, 16, 21, 22, 35, 43, 45, 51}) {
    CAPTURE(absent);
    CHECK(h.ext.count(static_cast<std::uint16_t>(absent)) == 0);
  }
}

TEST_CASE("tls build_client_hello: SNI is never an address literal") {
  for (const char* name : {"192.168.1.1", "::1", "fe80::1%eth0", "10.0.0.1.", ""}) {
    ClientHelloSpec spec = test_spec();
    spec.cipher_suites = {0x002f};
    spec.server_name = name;
    CAPTURE(name);
    CHECK(hello_of(spec).ext.count(0) == 0);
  }
  ClientHelloSpec spec = test_spec();
  spec.cipher_suites = {0x002f};
  spec.server_name = std::string(kTlsMaxServerName + 1, 'a');
  CHECK(hello_of(spec).ext.count(0) == 0);
  spec.server_name = std::string(kTlsMaxServerName, 'a');
  CHECK(hello_of(spec).ext.count(0) == 1);
}

TEST_CASE("tls build_client_hello: TLS 1.3") {
  ClientHelloSpec spec = test_spec();
  spec.version = TlsVersion::tls1_3;
  spec.cipher_suites = {0x1301, 0x1302, 0x1303};
  spec.session_id = ByteVec(32, 7);
  ParsedHello h = hello_of(spec);
  CHECK(h.record_version == 0x0301);
  CHECK(h.legacy_version == 0x0303);
  CHECK(h.ext.at(43) == ByteVec{2, 0x03, 0x04});
  CHECK(h.ext.at(45) == ByteVec{1, 1});
  const ByteVec ks = h.ext.at(51);
  REQUIRE(ks.size() == 2 + 4 + 32);
  CHECK(get16(ks, 0) == 36);
  CHECK(get16(ks, 2) == 0x001d);
  CHECK(get16(ks, 4) == 32);
  CHECK(ByteVec(ks.begin() + 6, ks.end()) ==
        ByteVec(spec.x25519_key_share.begin(), spec.x25519_key_share.end()));
  CHECK(h.ext.count(13) == 1);

  // Offering 1.3 and 1.2 in one hello; groups without x25519 give an empty key_share.
  spec.version = TlsVersion::tls1_2;
  spec.supported_versions = {0x0304, 0x0303};
  spec.supported_groups = {0x0017, 0x0018};
  h = hello_of(spec);
  CHECK(h.legacy_version == 0x0303);
  CHECK(h.ext.at(43) == ByteVec{4, 0x03, 0x04, 0x03, 0x03});
  CHECK(h.ext.at(51) == ByteVec{0, 0});
}

TEST_CASE("tls build_client_hello: legacy versions, SCSVs, compression") {
  ClientHelloSpec spec = test_spec();
  spec.version = TlsVersion::tls1_0;
  spec.cipher_suites = {0x0033, 0x002f};
  spec.fallback_scsv = true;
  ParsedHello h = hello_of(spec);
  CHECK(h.record_version == 0x0301);
  CHECK(h.legacy_version == 0x0301);
  CHECK(h.ext.count(13) == 0);  // signature_algorithms is TLS 1.2-only
  CHECK(h.suites == std::vector<std::uint16_t>{0x0033, 0x002f, 0x5600});

  spec.version = TlsVersion::sslv3;
  spec.fallback_scsv = false;
  spec.extensions = false;  // bare SSLv3 hello: the SCSV carries the renegotiation signal
  h = hello_of(spec);
  CHECK(h.record_version == 0x0300);
  CHECK(h.legacy_version == 0x0300);
  CHECK_FALSE(h.has_extension_block);
  CHECK(h.suites == std::vector<std::uint16_t>{0x0033, 0x002f, 0x00ff});

  spec.version = TlsVersion::sslv2;  // not a ClientHello version: treated as SSLv3
  CHECK(hello_of(spec).legacy_version == 0x0300);

  spec = test_spec();
  spec.cipher_suites = {0x002f};
  spec.renegotiation = TlsRenegotiationSignal::scsv;
  spec.deflate = true;
  h = hello_of(spec);
  CHECK(h.suites == std::vector<std::uint16_t>{0x002f, 0x00ff});
  CHECK(h.ext.count(0xff01) == 0);
  CHECK(h.compression == ByteVec{1, 0});

  spec.renegotiation = TlsRenegotiationSignal::none;
  h = hello_of(spec);
  CHECK(h.suites == std::vector<std::uint16_t>{0x002f});
  CHECK(h.ext.count(0xff01) == 0);
}

TEST_CASE("tls build_client_hello: optional extensions") {
  ClientHelloSpec spec = test_spec();
  spec.cipher_suites = {0xc02f};
  spec.status_request = true;
  spec.session_ticket = true;
  spec.encrypt_then_mac = true;
  spec.heartbeat = true;
  spec.alpn = {"h2", "", "http/1.1", std::string(256, 'x')};  // empty and 256-byte names dropped
  const ParsedHello h = hello_of(spec);
  CHECK(h.ext.at(5) == ByteVec{1, 0, 0, 0, 0});
  CHECK(h.ext.at(35).empty());
  CHECK(h.ext.at(22).empty());
  CHECK(h.ext.at(15) == ByteVec{1});
  const ByteVec alpn = h.ext.at(16);
  const ByteVec expect_alpn{0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  CHECK(alpn == expect_alpn);
}

TEST_CASE("tls build_client_hello: suite cap and size bound") {
  ClientHelloSpec spec = test_spec();
  for (std::uint32_t i = 0; i < 1000; ++i) spec.cipher_suites.push_back(static_cast<std::uint16_t>(i));
  ClientHello built = build_client_hello(spec);
  CHECK(built.truncated);
  CHECK(built.offered_suites.size() == kTlsMaxHelloSuites);
  CHECK(std::equal(built.offered_suites.begin(), built.offered_suites.end(),
                   spec.cipher_suites.begin()));
  ParsedHello h;
  REQUIRE(read_client_hello(built.bytes, h));
  CHECK(h.suites.size() == kTlsMaxHelloSuites);  // renegotiation_info is an extension: no SCSV
  spec.max_suites = 128;
  built = build_client_hello(spec);
  CHECK(built.offered_suites.size() == 128);

  // Every list at an absurd size: still one well-formed record of at most 16 KiB.
  spec.max_suites = 100000;
  spec.supported_groups.assign(10000, 0x0017);
  spec.signature_algorithms.assign(10000, 0x0401);
  spec.supported_versions.assign(1000, 0x0304);
  spec.alpn.assign(1000, std::string(255, 'a'));
  spec.session_id.assign(1000, 1);
  spec.server_name = std::string(100000, 'b');
  spec.status_request = spec.session_ticket = spec.heartbeat = spec.encrypt_then_mac = true;
  spec.fallback_scsv = true;
  built = build_client_hello(spec);
  REQUIRE(read_client_hello(built.bytes, h = ParsedHello{}));
  CHECK(built.bytes.size() <= 5 + 16384);
  CHECK(list16(h.ext.at(10), 2).size() == kTlsMaxHelloGroups);
  CHECK(list16(h.ext.at(13), 2).size() == kTlsMaxHelloSigalgs);
  CHECK(h.ext.at(43).size() == 1 + 2 * kTlsMaxHelloVersions);
  CHECK(h.session_id.size() == kTlsMaxSessionId);
}

TEST_CASE("tls build_client_hello: RFC 7685 padding of 256..511-byte hellos") {
  for (std::size_t n = 1; n < 200; n += 3) {
    ClientHelloSpec spec = test_spec();
    spec.cipher_suites.assign(n, 0x002f);
    const ParsedHello h = hello_of(spec);
    spec.padding = false;
    const ParsedHello plain = hello_of(spec);
    CAPTURE(n);
    CHECK(plain.ext.count(21) == 0);
    if (plain.handshake_length >= 256 && plain.handshake_length < 512) {
      CHECK(h.ext.count(21) == 1);
      CHECK(h.handshake_length >= 512);
      CHECK(h.handshake_length <= 512 + 4);
      CHECK(h.ext_order.back() == 21);
    } else {
      CHECK(h.ext.count(21) == 0);
      CHECK(h.handshake_length == plain.handshake_length);
    }
  }
}

TEST_CASE("tls candidate suites per version") {
  const auto t13 = tls_candidate_suites(TlsVersion::tls1_3);
  const auto t12 = tls_candidate_suites(TlsVersion::tls1_2);
  const auto t10 = tls_candidate_suites(TlsVersion::tls1_0);
  CHECK(t13.size() == 19);
  CHECK(std::find(t13.begin(), t13.end(), 0x1301) != t13.end());
  CHECK(t12.size() == all_suites().size() - 19 - 2);
  CHECK(std::find(t12.begin(), t12.end(), 0xc02f) != t12.end());
  CHECK(std::find(t12.begin(), t12.end(), 0x00ff) == t12.end());
  CHECK(std::find(t10.begin(), t10.end(), 0xc02f) == t10.end());  // GCM needs TLS 1.2
  CHECK(std::find(t10.begin(), t10.end(), 0x000a) != t10.end());
  CHECK(std::find(t10.begin(), t10.end(), 0x0003) != t10.end());
  CHECK(tls_candidate_suites(TlsVersion::sslv3) == t10);
  CHECK(tls_candidate_suites(TlsVersion::sslv2).empty());
  for (const std::uint16_t c : t10) CHECK_FALSE(find_suite(c)->tls12_plus);
  // The largest candidate list still fits one hello.
  ClientHelloSpec spec = test_spec();
  spec.cipher_suites = t12;
  const ClientHello h = build_client_hello(spec);
  CHECK_FALSE(h.truncated);
  CHECK(h.bytes.size() < 1024);
}

TEST_CASE("tls build_sslv2_client_hello") {
  const auto specs = sslv2_default_cipher_specs();
  CHECK(specs.size() == 8);
  std::array<std::uint8_t, 16> challenge{};
  for (std::size_t i = 0; i < challenge.size(); ++i) challenge[i] = static_cast<std::uint8_t>(i * 17);
  std::vector<std::uint32_t> offer = specs;
  offer.push_back(0x00002f);
  const ByteVec b = build_sslv2_client_hello(offer, challenge);
  REQUIRE(b.size() == 2 + 9 + 3 * offer.size() + 16);
  CHECK((b[0] & 0x80) != 0);
  CHECK((((b[0] & 0x7f) << 8) | b[1]) == b.size() - 2);
  CHECK(b[2] == 1);                      // MSG-CLIENT-HELLO
  CHECK(get16(b, 3) == 0x0002);          // version
  CHECK(get16(b, 5) == 3 * offer.size());
  CHECK(get16(b, 7) == 0);               // session id length
  CHECK(get16(b, 9) == 16);              // challenge length
  CHECK(b[11] == 0x07);                  // SSL_CK_DES_192_EDE3_CBC_WITH_MD5 first
  CHECK(b[12] == 0x00);
  CHECK(b[13] == 0xc0);
  const std::size_t last = 11 + 3 * (offer.size() - 1);
  CHECK(b[last] == 0x00);                // the TLS suite as 0x00002F
  CHECK(get16(b, last + 1) == 0x002f);
  CHECK(ByteVec(b.end() - 16, b.end()) == ByteVec(challenge.begin(), challenge.end()));

  CHECK(build_sslv2_client_hello(offer, std::span<const std::uint8_t>(challenge).first(15)).empty());
  const std::array<std::uint8_t, 33> long_challenge{};
  CHECK(build_sslv2_client_hello(offer, long_challenge).empty());
  // The same builder with version 0x0301 (an SSLv2-compatible TLS hello) was answered by
  // `openssl s_server -tls1 -cipher ALL:@SECLEVEL=0` with a TLS 1.0 ServerHello choosing
  // 0x002F (tests/fuzz/corpus/tls/ossl_tls10_reply_to_sslv2_compat_hello.bin): the format is
  // what real stacks parse.
  const std::vector<std::uint32_t> many(5000, 0x010080);
  const ByteVec big = build_sslv2_client_hello(many, challenge, 0x0301);
  CHECK(get16(big, 5) == 3 * 1024);
  CHECK(get16(big, 3) == 0x0301);
  CHECK((((big[0] & 0x7f) << 8) | big[1]) == big.size() - 2);
}

// ---- parser: real replies ----------------------------------------------------------------------

TEST_CASE("tls flight: OpenSSL TLS 1.2 ECDHE-RSA (x25519)") {
  const Result r = check_every_split(unhex(kOsslTls12EcdheRsa));
  const ServerFlight& f = r.flight;
  CHECK(r.consumed == 1198);
  CHECK(f.records == 4);
  CHECK(f.record_version == 0x0303);
  REQUIRE(f.server_hello);
  CHECK(f.negotiated_version == 0x0303);
  CHECK(f.version == TlsVersion::tls1_2);
  CHECK(f.server_hello->cipher_suite == 0xc02f);
  CHECK(suite_name(f.server_hello->cipher_suite) == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  CHECK(f.server_hello->compression == 0);
  CHECK(f.server_hello->renegotiation_info);
  CHECK(f.server_hello->extended_master_secret);
  CHECK(f.server_hello->ec_point_formats == ByteVec{0, 1, 2});
  CHECK(f.server_hello->extensions == std::vector<std::uint16_t>{0xff01, 11, 23});
  CHECK(f.server_hello->downgrade == TlsDowngradeSentinel::none);  // -tls1_2: no TLS 1.3
  CHECK_FALSE(f.server_hello->hello_retry_request);
  CHECK(f.certificate_count == 1);
  REQUIRE(f.certificates.size() == 1);
  CHECK(f.certificates[0].size() > 700);
  CHECK(f.certificates[0][0] == 0x30);  // DER SEQUENCE
  CHECK(f.server_key_exchange);
  CHECK(f.ecdhe_curve == 0x001d);
  CHECK(named_group_name(*f.ecdhe_curve) == "x25519");
  CHECK_FALSE(f.dh_prime_bits);
  CHECK(f.ske_signature_algorithm == 0x0804);  // rsa_pss_rsae_sha256
  CHECK(f.server_hello_done);
  CHECK_FALSE(f.alert);
  CHECK_FALSE(f.certificate_request);
}

TEST_CASE("tls flight: OpenSSL TLS 1.0 DHE-RSA with a 1024-bit group") {
  const Result r = check_every_split(unhex(kOsslTls10Dhe1024));
  const ServerFlight& f = r.flight;
  REQUIRE(f.server_hello);
  CHECK(f.record_version == 0x0301);
  CHECK(f.version == TlsVersion::tls1_0);
  CHECK(f.server_hello->cipher_suite == 0x0033);
  CHECK(f.dh_prime_bits == 1024u);
  // The prime itself, as sent: `openssl dhparam 1024` made a prime of its own, in no RFC.
  REQUIRE(f.dh_prime.size() == 128);
  CHECK(f.dh_prime[0] >= 0x80);
  CHECK(describe_dh_prime(Bytes(f.dh_prime.data(), f.dh_prime.size())).starts_with("sha256:"));
  CHECK_FALSE(f.ecdhe_curve);
  CHECK_FALSE(f.ske_signature_algorithm);  // TLS 1.0: MD5+SHA1, no algorithm field
  CHECK(f.certificate_count == 1);
  CHECK(f.server_hello_done);
}

TEST_CASE("tls flight: OpenSSL TLS 1.3 ServerHello ends the flight") {
  const ByteVec reply = unhex(kOsslTls13);
  const Result r = check_every_split(reply);
  const ServerFlight& f = r.flight;
  CHECK(r.consumed == 127);  // the ChangeCipherSpec and encrypted records are not read
  REQUIRE(f.server_hello);
  CHECK(f.server_hello->legacy_version == 0x0303);
  CHECK(f.server_hello->supported_version == 0x0304);
  CHECK(f.negotiated_version == 0x0304);
  CHECK(f.version == TlsVersion::tls1_3);
  CHECK(f.server_hello->cipher_suite == 0x1301);
  CHECK(f.server_hello->key_share_group == 0x001d);
  CHECK(f.server_hello->session_id == ByteVec(32, 0x5a));  // echoed legacy_session_id
  CHECK_FALSE(f.server_hello->hello_retry_request);
  CHECK_FALSE(f.server_hello->renegotiation_info);
  CHECK(f.certificates.empty());
  CHECK_FALSE(f.server_hello_done);
}

TEST_CASE("tls flight: OpenSSL HelloRetryRequest") {
  const Result r = check_every_split(unhex(kOsslTls13Hrr));
  const ServerFlight& f = r.flight;
  CHECK(r.consumed == 93);
  REQUIRE(f.server_hello);
  CHECK(f.server_hello->hello_retry_request);
  CHECK(f.server_hello->key_share_group == 0x0017);  // the server wants secp256r1
  CHECK(f.server_hello->cipher_suite == 0x1302);
  CHECK(f.version == TlsVersion::tls1_3);
}

TEST_CASE("tls flight: OpenSSL TLS 1.2 to a TLS 1.3 server, ECDSA") {
  const Result r = check_every_split(unhex(kOsslTls12DowngradeEcdsa));
  const ServerFlight& f = r.flight;
  REQUIRE(f.server_hello);
  CHECK(f.server_hello->cipher_suite == 0xc02b);
  CHECK(f.server_hello->downgrade == TlsDowngradeSentinel::tls12);
  CHECK(f.ecdhe_curve == 0x001d);
  CHECK(f.ske_signature_algorithm == 0x0403);  // ecdsa_secp256r1_sha256
  CHECK(f.certificate_count == 1);
}

TEST_CASE("tls flight: GnuTLS 3DES, RC4 and DHE-1024, one message per record") {
  Result r = check_every_split(unhex(kGnutlsTls10Tdes));
  REQUIRE(r.flight.server_hello);
  CHECK(r.flight.version == TlsVersion::tls1_0);
  CHECK(r.flight.server_hello->cipher_suite == 0x000a);
  CHECK(weak_suite(*find_suite(r.flight.server_hello->cipher_suite)));
  CHECK(r.flight.server_hello->downgrade == TlsDowngradeSentinel::tls11);
  CHECK(r.flight.certificate_count == 1);
  CHECK_FALSE(r.flight.server_key_exchange);  // static RSA

  r = check_every_split(unhex(kGnutlsTls12Rc4));
  REQUIRE(r.flight.server_hello);
  CHECK(r.flight.version == TlsVersion::tls1_2);
  CHECK(r.flight.server_hello->cipher_suite == 0x0005);
  CHECK(weak_reason(*find_suite(0x0005)) == "RC4");

  r = check_every_split(unhex(kGnutlsTls12Dhe1024));
  REQUIRE(r.flight.server_hello);
  CHECK(r.flight.records == 5);
  CHECK(r.flight.server_hello->cipher_suite == 0x0033);
  CHECK(r.flight.dh_prime_bits == 1024u);
  CHECK(r.flight.ske_signature_algorithm == 0x0804);
}

TEST_CASE("tls flight: real alerts") {
  struct Case {
    std::string_view hex;
    std::uint16_t record_version;
    std::uint8_t description;
    std::string_view name;
  };
  for (const Case& c : {
           Case{kOsslAlertProtocolVersion, 0x0301, 70, "protocol_version"},
           Case{kOsslAlertHandshakeFailure, 0x0303, 40, "handshake_failure"},
           Case{kOsslAlertSslv3, 0x0300, 40, "handshake_failure"},
           Case{kOsslAlertSslv2, 0x0303, 70, "protocol_version"},
           Case{kOsslAlertFallback, 0x0302, 86, "inappropriate_fallback"},
       }) {
    CAPTURE(c.name);
    const Result r = check_every_split(unhex(c.hex));
    CHECK(r.consumed == 7);
    CHECK(r.flight.record_version == c.record_version);
    REQUIRE(r.flight.alert);
    CHECK(r.flight.alert->fatal());
    CHECK(r.flight.alert->description == c.description);
    CHECK(r.flight.alert->name() == c.name);
    CHECK_FALSE(r.flight.server_hello);
    CHECK(r.flight.negotiated_version == 0);
  }
}

TEST_CASE("tls flight: handshake messages re-fragmented across records") {
  for (const std::string_view hex :
       {kOsslTls12EcdheRsa, kOsslTls10Dhe1024, kGnutlsTls12Dhe1024, kOsslTls12DowngradeEcdsa}) {
    const ByteVec reply = unhex(hex);
    const Result whole = parse(reply);
    REQUIRE(whole.parse == Parse::done);
    const ByteVec hs = handshake_stream(reply);
    for (const std::size_t size : {std::size_t{7}, std::size_t{100}, std::size_t{333},
                                   std::size_t{16384}}) {
      CAPTURE(size);
      const ByteVec again = as_records(hs, size);
      const Result r = check_every_split(again);
      check_same_flight(r.flight, whole.flight);
      CHECK(r.consumed == again.size());
      CHECK(r.flight.records == (hs.size() + size - 1) / size);
    }
  }
}

TEST_CASE("tls flight: a warning unrecognized_name before the ServerHello is skipped") {
  ByteVec reply = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70};
  append(reply, unhex(kOsslTls12EcdheRsa));
  const Result r = check_every_split(reply);
  CHECK(r.flight.warnings.size() == 1);
  CHECK_FALSE(r.flight.alert);
  CHECK(r.flight.server_hello_done);

  ByteVec many;
  for (std::size_t i = 0; i <= kTlsMaxWarningAlerts; ++i) {
    append(many, {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70});
  }
  CHECK(parse(many).parse == Parse::invalid);
  // Any other warning alert ends the flight like a fatal one (e.g. a warning close_notify).
  const Result w = parse({0x15, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00});
  CHECK(w.parse == Parse::done);
  REQUIRE(w.flight.alert);
  CHECK_FALSE(w.flight.alert->fatal());
  CHECK(w.flight.alert->name() == "close_notify");
}

TEST_CASE("tls flight: an alert after the ServerHello keeps the ServerHello") {
  ByteVec reply = record(22, handshake(2, server_hello_body(0x002f)));
  append(reply, {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50});
  const Result r = check_every_split(reply);
  REQUIRE(r.flight.server_hello);
  CHECK(r.flight.server_hello->cipher_suite == 0x002f);
  REQUIRE(r.flight.alert);
  CHECK(r.flight.alert->name() == "internal_error");
}

TEST_CASE("tls flight: resumed session (CCS after a TLS 1.2 ServerHello)") {
  ByteVec reply = record(22, handshake(2, server_hello_body(0xc02f)));
  append(reply, record(20, {1}));
  const Result r = check_every_split(reply);
  CHECK(r.flight.change_cipher_spec);
  CHECK_FALSE(r.flight.server_hello_done);
}

TEST_CASE("tls flight: SSLv3 ServerHello without extensions, export RSA key exchange") {
  // Synthetic (no SSLv3 or export server exists in Debian 12): what an SSLv3 server choosing
  // TLS_RSA_EXPORT_WITH_RC4_40_MD5 sends, with a 512-bit temporary RSA key (FREAK).
  ByteVec hs = handshake(2, server_hello_body(0x0003, 0x0300));
  append(hs, handshake(11, {0, 0, 6, 0, 0, 3, 0x30, 0x01, 0x00}));
  ByteVec ske{0x00, 0x40, 0xc3};  // rsa_modulus<2>: 64 bytes with the top bit set = 512 bits
  ske.resize(2 + 64, 0x11);
  append(ske, {0x00, 0x03, 0x01, 0x00, 0x01});  // rsa_exponent 65537
  append(ske, {0x00, 0x02, 0xab, 0xcd});        // signature (MD5+SHA1 in SSLv3: no algorithm)
  append(hs, handshake(12, ske));
  append(hs, handshake(14, {}));
  const Result r = check_every_split(as_records(hs, 16384, 0x0300));
  REQUIRE(r.flight.server_hello);
  CHECK(r.flight.version == TlsVersion::sslv3);
  CHECK(r.flight.server_hello->extensions.empty());
  CHECK_FALSE(r.flight.server_hello->renegotiation_info);
  CHECK(r.flight.rsa_export_modulus_bits == 512u);
  CHECK_FALSE(r.flight.ske_signature_algorithm);
  CHECK(r.flight.certificates == std::vector<ByteVec>{{0x30, 0x01, 0x00}});
}

TEST_CASE("tls flight: certificate caps") {
  ByteVec certs;
  for (int i = 0; i < 12; ++i) {
    append(certs, {0x00, 0x00, 0x03, 0x30, 0x01, static_cast<std::uint8_t>(i)});
  }
  const std::size_t big = kTlsMaxCertificateBytes + 1;
  ByteVec body{0, 0, 0};
  append(body, {static_cast<std::uint8_t>(big >> 16), static_cast<std::uint8_t>(big >> 8),
                static_cast<std::uint8_t>(big)});
  body.resize(body.size() + big, 0x30);
  append(body, certs);
  const std::size_t total = body.size() - 3;
  body[0] = static_cast<std::uint8_t>(total >> 16);
  body[1] = static_cast<std::uint8_t>(total >> 8);
  body[2] = static_cast<std::uint8_t>(total);
  ByteVec hs = handshake(2, server_hello_body(0x002f));
  append(hs, handshake(11, body));
  append(hs, handshake(14, {}));
  const Result r = parse(as_records(hs, 16384));
  REQUIRE(r.parse == Parse::done);
  CHECK(r.flight.certificate_count == 13);
  CHECK(r.flight.certificates.size() == kTlsMaxCertificates);
  CHECK(r.flight.certificates_truncated);
  CHECK(r.flight.certificates[0] == ByteVec{0x30, 0x01, 0x00});  // the big one was skipped
}

TEST_CASE("tls flight: ServerKeyExchange by key exchange") {
  const auto flight_with_ske = [](std::uint16_t suite, const ByteVec& ske) {
    ByteVec hs = handshake(2, server_hello_body(suite));
    append(hs, handshake(12, ske));
    append(hs, handshake(14, {}));
    return parse(as_records(hs, 16384));
  };
  // ECDHE with secp160r1 (a weak curve a scanner must report), TLS 1.2 signature algorithm.
  Result r = flight_with_ske(0xc013, {3, 0x00, 0x10, 2, 4, 9, 0x02, 0x01, 0x00, 0x01, 0xee});
  REQUIRE(r.parse == Parse::done);
  CHECK(r.flight.ecdhe_curve == 0x0010);
  CHECK(named_group_name(0x0010) == "secp160r1");
  CHECK(find_named_group(0x0010)->bits == 160);
  CHECK(r.flight.ske_signature_algorithm == 0x0201);
  // Explicit curve parameters: flagged, not laid out.
  r = flight_with_ske(0xc013, {1, 0xaa, 0xbb});
  REQUIRE(r.parse == Parse::done);
  CHECK(r.flight.ecdhe_explicit_curve);
  CHECK_FALSE(r.flight.ecdhe_curve);
  // DH_anon with a 512-bit prime (leading zero byte ignored), no signature.
  ByteVec dh{0x00, 0x41, 0x00, 0x80};
  dh.resize(dh.size() + 63, 0x01);
  append(dh, {0x00, 0x01, 0x02, 0x00, 0x01, 0x05});
  r = flight_with_ske(0x0034, dh);
  REQUIRE(r.parse == Parse::done);
  CHECK(r.flight.dh_prime_bits == 512u);
  CHECK_FALSE(r.flight.ske_signature_algorithm);
  // ECDHE_PSK: identity hint first.
  r = flight_with_ske(0xc035, {0x00, 0x02, 'h', 'i', 3, 0x00, 0x17, 1, 4});
  REQUIRE(r.parse == Parse::done);
  CHECK(r.flight.ecdhe_curve == 0x0017);
  // Malformed: prime length past the message, zero prime, unknown curve type.
  CHECK(flight_with_ske(0x0033, {0x00, 0x80, 0x01}).parse == Parse::invalid);
  CHECK(flight_with_ske(0x0033, {0x00, 0x01, 0x00, 0x00, 0x01, 0x02, 0x00, 0x01, 0x05}).parse ==
        Parse::invalid);
  CHECK(flight_with_ske(0xc02f, {7, 0x00, 0x17, 1, 4}).parse == Parse::invalid);
  // A suite the table does not know: the SKE is skipped, not judged.
  r = flight_with_ske(0xeeee, {1, 2, 3});
  REQUIRE(r.parse == Parse::done);
  CHECK(r.flight.server_key_exchange);
  CHECK_FALSE(r.flight.dh_prime_bits);
}

TEST_CASE("tls flight: ServerHello extensions") {
  ByteVec sh = server_hello_body(0xc02f);
  ByteVec exts;
  append(exts, {0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 'h', '2'});  // ALPN h2
  append(exts, {0x00, 0x0f, 0x00, 0x01, 0x01});                        // heartbeat
  append(exts, {0x00, 0x05, 0x00, 0x00});                              // status_request
  append(exts, {0x00, 0x23, 0x00, 0x00});                              // session_ticket
  append(exts, {0x00, 0x16, 0x00, 0x00});                              // encrypt_then_mac
  append(exts, {0x00, 0x00, 0x00, 0x00});                              // server_name ack
  append(exts, {0xff, 0x01, 0x00, 0x01, 0x00});                        // renegotiation_info
  append(exts, {0x12, 0x34, 0x00, 0x02, 0xaa, 0xbb});                  // unknown: listed
  sh.push_back(static_cast<std::uint8_t>(exts.size() >> 8));
  sh.push_back(static_cast<std::uint8_t>(exts.size()));
  append(sh, exts);
  ByteVec hs = handshake(2, sh);
  append(hs, handshake(14, {}));
  const Result r = check_every_split(as_records(hs, 16384));
  REQUIRE(r.flight.server_hello);
  const TlsServerHello& h = *r.flight.server_hello;
  CHECK(h.alpn == "h2");
  CHECK(h.heartbeat_mode == 1);
  CHECK(h.status_request);
  CHECK(h.session_ticket);
  CHECK(h.encrypt_then_mac);
  CHECK(h.server_name);
  CHECK(h.renegotiation_info);
  CHECK(h.extensions == std::vector<std::uint16_t>{16, 15, 5, 35, 22, 0, 0xff01, 0x1234});

  // Inconsistent extension block lengths are invalid.
  ByteVec bad = server_hello_body(0xc02f);
  append(bad, {0x00, 0x09, 0xff, 0x01, 0x00, 0x01, 0x00});
  CHECK(parse(record(22, handshake(2, bad))).parse == Parse::invalid);
  bad = server_hello_body(0xc02f);
  append(bad, {0x00, 0x05, 0xff, 0x01, 0x00, 0x02, 0x00});  // renegotiation_info inner length
  CHECK(parse(record(22, handshake(2, bad))).parse == Parse::invalid);
  bad = server_hello_body(0xc02f);
  bad.push_back(0x00);  // one stray byte after compression_method
  CHECK(parse(record(22, handshake(2, bad))).parse == Parse::invalid);
  bad = server_hello_body(0xc02f);
  bad[34] = 33;  // session id longer than 32
  CHECK(parse(record(22, handshake(2, bad))).parse == Parse::invalid);
}

// ---- parser: SSLv2 -----------------------------------------------------------------------------

// Synthetic, built per the SSLv2 specification (draft-hickman-netscape-ssl-00, SERVER-HELLO):
// no SSLv2 server exists in Debian 12 (OpenSSL and GnuTLS dropped it), so these bytes are
// hand-assembled around the DER certificate of the OpenSSL capture above.
ByteVec sslv2_server_hello(const ByteVec& cert, const std::vector<std::uint32_t>& kinds) {
  ByteVec m{4, 0, 1, 0x00, 0x02};
  append(m, {static_cast<std::uint8_t>(cert.size() >> 8), static_cast<std::uint8_t>(cert.size())});
  append(m, {static_cast<std::uint8_t>((kinds.size() * 3) >> 8),
             static_cast<std::uint8_t>(kinds.size() * 3)});
  append(m, {0x00, 0x10});
  append(m, cert);
  for (const std::uint32_t k : kinds) {
    append(m, {static_cast<std::uint8_t>(k >> 16), static_cast<std::uint8_t>(k >> 8),
               static_cast<std::uint8_t>(k)});
  }
  for (int i = 0; i < 16; ++i) m.push_back(static_cast<std::uint8_t>(0xc0 + i));
  ByteVec out{static_cast<std::uint8_t>(0x80 | (m.size() >> 8)), static_cast<std::uint8_t>(m.size())};
  append(out, m);
  return out;
}

TEST_CASE("tls flight: SSLv2 SERVER-HELLO and ERROR") {
  const Result tls = parse(unhex(kOsslTls12EcdheRsa));
  REQUIRE(tls.flight.certificates.size() == 1);
  const ByteVec cert = tls.flight.certificates[0];
  const std::vector<std::uint32_t> kinds{0x010080, 0x0700c0, 0x020080};
  const ByteVec reply = sslv2_server_hello(cert, kinds);
  const Result r = check_every_split(reply);
  CHECK(r.consumed == reply.size());
  REQUIRE(r.flight.sslv2);
  CHECK(r.flight.version == TlsVersion::sslv2);
  CHECK(r.flight.negotiated_version == 0x0002);
  CHECK(r.flight.sslv2->version == 0x0002);
  CHECK(r.flight.sslv2->certificate_type == 1);
  CHECK(r.flight.sslv2->certificate == cert);
  CHECK(r.flight.sslv2->cipher_kinds == kinds);
  CHECK(sslv2_kind_name(r.flight.sslv2->cipher_kinds[1]) == "SSL_CK_DES_192_EDE3_CBC_WITH_MD5");
  CHECK_FALSE(r.flight.server_hello);

  const Result err = check_every_split({0x80, 0x03, 0x00, 0x00, 0x01});
  REQUIRE(err.flight.sslv2);
  CHECK(err.flight.sslv2->error == 1);  // NO-CIPHER-ERROR

  ByteVec bad = reply;
  bad[6] = 0x03;  // server_version 0x0003
  CHECK(parse(bad).parse == Parse::invalid);
  bad = reply;
  bad[10]++;  // connection-id length no longer matches the record
  CHECK(parse(bad).parse == Parse::invalid);
  CHECK(parse({0x80, 0x05, 0x07}).parse == Parse::invalid);  // neither SERVER-HELLO nor ERROR
  CHECK(parse({0x80, 0x02}).parse == Parse::invalid);        // too short for any message
  CHECK(parse({0x80}).parse == Parse::need_more);
}

// ---- parser: garbage and hostile input ---------------------------------------------------------

TEST_CASE("tls flight: not TLS") {
  for (const std::string_view text :
       {"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"sv, "SSH-2.0-OpenSSH_9.2p1\r\n"sv,
        "220 ftp ready\r\n"sv, "\x16\x02\x00"sv, "\x16\x03\x05"sv, "\x13"sv, "\x19"sv}) {
    CAPTURE(text);
    CHECK(parse(ByteVec(text.begin(), text.end())).parse == Parse::invalid);
  }
  CHECK(parse({}).parse == Parse::need_more);
  CHECK(parse({0x16}).parse == Parse::need_more);
  CHECK(parse({0x16, 0x03, 0x03, 0x00}).parse == Parse::need_more);
  // Our own ClientHello reflected back (an echo service) is not a server reply.
  ClientHelloSpec spec = test_spec();
  spec.cipher_suites = {0x002f};
  const ByteVec echo = build_client_hello(spec).bytes;
  CHECK(parse(echo).parse == Parse::invalid);
  CHECK(parse(ByteVec(echo.begin(), echo.begin() + 6)).parse == Parse::invalid);
  // Records out of place.
  CHECK(parse(record(20, {1})).parse == Parse::invalid);               // CCS first
  CHECK(parse(record(23, {1, 2, 3})).parse == Parse::invalid);         // data first
  CHECK(parse(record(24, {1, 2, 3})).parse == Parse::invalid);         // heartbeat first
  CHECK(parse(record(21, {3, 40})).parse == Parse::invalid);           // alert level 3
  CHECK(parse(record(21, {2})).parse == Parse::invalid);               // half an alert
  CHECK(parse(record(22, handshake(11, {0, 0, 0}))).parse == Parse::invalid);  // no SH first
  ByteVec two = record(22, handshake(2, server_hello_body(0x002f)));
  append(two, record(22, handshake(2, server_hello_body(0x002f))));
  CHECK(parse(two).parse == Parse::invalid);                            // second ServerHello
  ByteVec shd = record(22, handshake(2, server_hello_body(0x002f)));
  append(shd, record(22, handshake(14, {0})));
  CHECK(parse(shd).parse == Parse::invalid);                            // non-empty SHD
}

TEST_CASE("tls flight: hostile lengths and record floods") {
  // Record length 0xFFFF: invalid from the header alone.
  CHECK(parse({0x16, 0x03, 0x03, 0xff, 0xff}).parse == Parse::invalid);
  CHECK(parse({0x16, 0x03, 0x03, 0x48, 0x01}).parse == Parse::invalid);   // 2^14 + 2048 + 1
  CHECK(parse({0x16, 0x03, 0x03, 0x48, 0x00}).parse == Parse::need_more);  // 2^14 + 2048
  // Zero-length handshake / alert records.
  CHECK(parse({0x16, 0x03, 0x03, 0x00, 0x00}).parse == Parse::invalid);
  CHECK(parse({0x15, 0x03, 0x03, 0x00, 0x00}).parse == Parse::invalid);
  // A handshake message announcing more than the flight cap: invalid at its header.
  CHECK(parse({0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x01, 0x00, 0x00}).parse == Parse::invalid);
  CHECK(parse({0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0xff, 0xfc}).parse == Parse::need_more);
  CHECK(parse({0x16, 0x03, 0x03, 0x00, 0x04, 0x0b, 0xff, 0xff, 0xff}).parse == Parse::invalid);
  // A flight that keeps going past kTlsMaxFlight (legal records, never a ServerHelloDone).
  ByteVec long_flight = record(22, handshake(2, server_hello_body(0x002f)));
  while (long_flight.size() < kTlsMaxFlight + 20000) {
    append(long_flight, record(22, handshake(22, ByteVec(16000, 0x01))));
  }
  CHECK(parse(long_flight).parse == Parse::invalid);
  // 10,000 one-byte records: invalid after kTlsMaxRecords, whatever the content.
  const ByteVec sh = handshake(2, server_hello_body(0x002f));
  ByteVec flood = as_records(sh, 1);
  ByteVec tiny = record(22, {0x16});
  while (flood.size() < 10000 * 6) append(flood, tiny);
  CHECK(parse(flood).parse == Parse::invalid);
  ByteVec ok = as_records(sh, 1);  // 40 one-byte records still parse
  append(ok, record(22, handshake(14, {})));
  CHECK(parse(ok).parse == Parse::done);
  // 1 MiB of random bytes never crashes; a TLS-looking random prefix stays bounded.
  std::mt19937 rng(20261125);
  for (int round = 0; round < 200; ++round) {
    ByteVec noise(static_cast<std::size_t>(rng() % 4096));
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
    if (round % 2 == 0 && noise.size() >= 3) {
      noise[0] = 0x16;
      noise[1] = 0x03;
      noise[2] = 0x03;
    }
    const Result r = parse(noise);
    CHECK(r.consumed <= noise.size());
  }
  ByteVec mib(1 << 20);
  for (auto& b : mib) b = static_cast<std::uint8_t>(rng());
  mib[0] = 0x16;
  mib[1] = 0x03;
  mib[2] = 0x01;
  CHECK(parse(mib).parse != Parse::done);
}

TEST_CASE("tls names") {
  CHECK(to_string(TlsVersion::sslv2) == "SSLv2");
  CHECK(to_string(TlsVersion::sslv3) == "SSLv3");
  CHECK(to_string(TlsVersion::tls1_0) == "TLSv1.0");
  CHECK(to_string(TlsVersion::tls1_1) == "TLSv1.1");
  CHECK(to_string(TlsVersion::tls1_2) == "TLSv1.2");
  CHECK(to_string(TlsVersion::tls1_3) == "TLSv1.3");
  CHECK(tls_version_name(0x0303) == "TLSv1.2");
  CHECK(tls_version_name(0x7f1c) == "0x7F1C");
  CHECK_FALSE(tls_version_from_wire(0xfefd));  // DTLS 1.2
  CHECK(tls_alert_name(40) == "handshake_failure");
  CHECK(tls_alert_name(112) == "unrecognized_name");
  CHECK(tls_alert_name(200) == "unknown");
  CHECK(named_group_name(0x0017) == "secp256r1");
  CHECK(named_group_name(0x0100) == "ffdhe2048");
  CHECK(find_named_group(0x0100)->bits == 2048);
  CHECK(named_group_name(0x11ec) == "X25519MLKEM768");
  CHECK(named_group_name(0x0a0a) == "0x0A0A");
  for (const std::uint16_t c : kTlsAllCurves) CHECK(find_named_group(c) != nullptr);
}

// `openssl s_server -www -tls1_2 -cipher AES128-SHA:AES256-SHA [-serverpref]` (OpenSSL 3.0.22),
// answering a TLS 1.2 hello offering 0035 002F ("fwd") and then 002F 0035 ("rev"): the
// ServerHello record of each flight (the certificate records that followed are left out).
constexpr std::string_view kOsslServerPrefFwd =
    "16030300510200004d0303354c8da3865d55652a60fc7a08bb9d00d0484dfb98cf7cda681948216d1e03c9206b4fe2"
    "537ee26f7942688cad8ff7fc8c0b770f64f5639ea38cb30e839dd4ca32002f000005ff01000100";
constexpr std::string_view kOsslServerPrefRev =
    "16030300510200004d03035f2a3f43a46ba9d6006b6880d6e34c3045a5c9eecc3f01a34b11f1fdd5ebb6022079ec5e"
    "415d92cbce1142f16746b32653052df530700a6b2c479317eefb878f10002f000005ff01000100";
constexpr std::string_view kOsslClientPrefFwd =
    "16030300510200004d0303047d3c903e064a93e760692e86af04dd624e68c3ad3a8fe1e7849a2df3ee88e4200cfb40"
    "ef38702e1f7ea56f423efba7eaa1683bea5028de963047c5ab9ea1f6ef0035000005ff01000100";
constexpr std::string_view kOsslClientPrefRev =
    "16030300510200004d03030ca72586b76b31fd525fe708c29916b07e687e3bd5577e09bb26d6111e50d5f820b344f3"
    "76ad0a2f009138209ca2c54bec567384ce194944edac405202a2253d5d002f000005ff01000100";

namespace {
// A ServerHello record on its own: the flight is not complete (need_more), the hello is parsed.
ServerFlight server_hello_only(const ByteVec& bytes) {
  const Result r = parse(bytes);
  CHECK(r.parse == Parse::need_more);
  REQUIRE(r.flight.server_hello);
  return r.flight;
}

std::uint16_t picked_suite(std::string_view hex) {
  const ServerFlight f = server_hello_only(unhex(hex));
  CHECK(f.server_hello->compression == 0);
  CHECK_FALSE(tls_compression_accepted(f));
  return f.server_hello->cipher_suite;
}
}  // namespace

TEST_CASE("tls cipher order from two real picks") {
  const std::vector<std::uint16_t> fwd = {0x0035, 0x002f};
  const auto server_fwd = picked_suite(kOsslServerPrefFwd), server_rev = picked_suite(kOsslServerPrefRev);
  CHECK(server_fwd == 0x002f);
  CHECK(server_rev == 0x002f);
  CHECK(tls_cipher_order(fwd, server_fwd, server_rev) == TlsCipherOrder::server);
  const auto client_fwd = picked_suite(kOsslClientPrefFwd), client_rev = picked_suite(kOsslClientPrefRev);
  CHECK(client_fwd == 0x0035);
  CHECK(client_rev == 0x002f);
  CHECK(tls_cipher_order(fwd, client_fwd, client_rev) == TlsCipherOrder::client);
  // Neither rule: two different picks, not the first suite of each order.
  CHECK(tls_cipher_order(std::vector<std::uint16_t>{1, 2, 3}, 2, 1) == TlsCipherOrder::unknown);
  // One suite says nothing about order.
  CHECK(tls_cipher_order(std::vector<std::uint16_t>{0x002f}, 0x002f, 0x002f) == TlsCipherOrder::unknown);
  CHECK(to_string(TlsCipherOrder::server) == "server");
  CHECK(to_string(TlsCipherOrder::client) == "client");
}

TEST_CASE("tls fallback SCSV answers on real replies") {
  auto answer = [](std::string_view hex, std::uint16_t offered) {
    const Result r = check_every_split(unhex(hex));
    return tls_fallback_answer(r.flight, offered);
  };
  // TLS 1.1 hello with 0x5600 to a server whose highest version is 1.2: inappropriate_fallback.
  CHECK(answer(kOsslAlertFallback, 0x0302) == TlsFallbackAnswer::refused);
  // A ServerHello at the offered version: the SCSV was ignored.
  CHECK(answer(kOsslTls10Dhe1024, 0x0301) == TlsFallbackAnswer::accepted);
  CHECK(answer(kGnutlsTls10Tdes, 0x0301) == TlsFallbackAnswer::accepted);
  // Another version than offered, or another alert: no conclusion.
  CHECK(answer(kOsslTls12EcdheRsa, 0x0302) == TlsFallbackAnswer::other);
  CHECK(answer(kOsslAlertHandshakeFailure, 0x0302) == TlsFallbackAnswer::other);
  CHECK(tls_fallback_answer(ServerFlight{}, 0x0302) == TlsFallbackAnswer::other);
}

// The same server answering a TLS 1.2 hello offering 002F with compression methods {DEFLATE,
// null}: Debian's OpenSSL 3 is built without zlib and chooses null.
constexpr std::string_view kOsslDeflateOffered =
    "16030300510200004d0303b0f8b0bf85336c0931d87c7e788b1cb2a9eac85951188b7f08f943e50fa577182094e26b"
    "debeae55e6c8e54c1002ce8cd58c06cec6f54c06e1146bb2dd5b0f8309002f000005ff01000100";

TEST_CASE("tls compression: the ServerHello's compression byte decides") {
  const ByteVec bytes = unhex(kOsslDeflateOffered);
  const ServerFlight f = server_hello_only(bytes);
  CHECK(f.server_hello->compression == 0);
  CHECK_FALSE(tls_compression_accepted(f));
  // No server available here compresses (GnuTLS >= 3.6 and OpenSSL without zlib refuse), so the
  // positive case is this same real ServerHello with its compression_method byte set to 1.
  ByteVec deflate = bytes;
  const std::size_t at = 5 + 4 + 2 + 32 + 1 + 32 + 2;  // record, handshake header, version, random, sid
  REQUIRE(deflate[at] == 0x00);
  deflate[at] = 0x01;
  const ServerFlight z = server_hello_only(deflate);
  CHECK(z.server_hello->compression == 1);
  CHECK(tls_compression_accepted(z));
  CHECK_FALSE(tls_compression_accepted(ServerFlight{}));
}
