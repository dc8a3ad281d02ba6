package patp

// The 256 prefix and 256 suffix syllables of Urbit's phonemic base, in
// order (++po in hoon.hoon, as current runtimes have it: "mor" at prefix
// 185 and "fip" at prefix 255, where the oldest sources say "por" and
// "fap").
const (
	prefixText = "dozmarbinwansamlitsighidfidlissogdirwacsabwissib" +
		"rigsoldopmodfoglidhopdardorlorhodfolrintogsilmir" +
		"holpaslacrovlivdalsatlibtabhanticpidtorbolfosdot" +
		"losdilforpilramtirwintadbicdifrocwidbisdasmidlop" +
		"rilnardapmolsanlocnovsitnidtipsicropwitnatpanmin" +
		"ritpodmottamtolsavposnapnopsomfinfonbanmorworsip" +
		"ronnorbotwicsocwatdolmagpicdavbidbaltimtasmallig" +
		"sivtagpadsaldivdactansidfabtarmonranniswolmispal" +
		"lasdismaprabtobrollatlonnodnavfignomnibpagsopral" +
		"bilhaddocridmocpacravripfaltodtiltinhapmicfanpat" +
		"taclabmogsimsonpinlomrictapfirhasbosbatpochactid" +
		"havsaplindibhosdabbitbarracparloddosbortochilmac" +
		"tomdigfilfasmithobharmighinradmashalraglagfadtop" +
		"mophabnilnosmilfopfamdatnoldinhatnacrisfotribhoc" +
		"nimlarfitwalrapsarnalmoslandondanladdovrivbacpol" +
		"laptalpitnambonrostonfodponsovnocsorlavmatmipfip"
	suffixText = "zodnecbudwessevpersutletfulpensytdurwepserwylsun" +
		"rypsyxdyrnuphebpeglupdepdysputlughecryttyvsydnex" +
		"lunmeplutseppesdelsulpedtemledtulmetwenbynhexfeb" +
		"pyldulhetmevruttylwydtepbesdexsefwycburderneppur" +
		"rysrebdennutsubpetrulsynregtydsupsemwynrecmegnet" +
		"secmulnymtevwebsummutnyxrextebfushepbenmuswyxsym" +
		"selrucdecwexsyrwetdylmynmesdetbetbeltuxtugmyrpel" +
		"syptermebsetdutdegtexsurfeltudnuxruxrenwytnubmed" +
		"lytdusnebrumtynseglyxpunresredfunrevrefmectedrus" +
		"bexlebduxrynnumpyxrygryxfeptyrtustyclegnemfermer" +
		"tenlusnussyltecmexpubrymtucfyllepdebbermughuttun" +
		"bylsudpemdevlurdefbusbeprunmelpexdytbyttyplevmyl" +
		"wedducfurfexnulluclennerlexrupnedlecrydlydfenwel" +
		"nydhusrelrudneshesfetdesretdunlernyrsebhulryllud" +
		"remlysfynwerrycsugnysnyllyndyndemluxfedsedbecmun" +
		"lyrtesmudnytbyrsenwegfyrmurtelreptegpecnelnevfes"
)

// prefix and suffix return syllable i (0-255).
func prefix(i uint64) string { return prefixText[3*i : 3*i+3] }
func suffix(i uint64) string { return suffixText[3*i : 3*i+3] }

// syllableIndex returns the index of syl in text (prefixText or
// suffixText), or -1.
func syllableIndex(text, syl string) int {
	for i := 0; i+3 <= len(text); i += 3 {
		if text[i:i+3] == syl {
			return i / 3
		}
	}
	return -1
}
