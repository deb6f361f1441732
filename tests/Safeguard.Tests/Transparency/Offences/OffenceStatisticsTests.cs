// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Safeguard.Transparency;
using Safeguard.Transparency.Offences;

namespace Safeguard.Tests.Transparency.Offences;

/// <summary>
/// The seed figures of specs/transparency.md §2.6 (exact to six significant figures and displayed exactly), and
/// the table rules of §2.5: leap years, partial years, force variants, code selection.
/// </summary>
public class OffenceStatisticsTests
{
    private static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "data", "offences", name);

    private static OffenceSummary Seed() =>
        OffenceStatistics.Summarise(OffenceTable.Load(Data("nspcc-foi-2016-2018.csv")), new OffenceQuery { OffenceCodes = ["86"] });

    private static OffenceYearFigure Find(IEnumerable<OffenceYearFigure> figures, string forceId, int startYear) =>
        figures.Single(f => f.ForceId == forceId && f.Year.StartYear == startYear);

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= Math.Abs(expected) * 1e-6, $"expected {expected}, got {actual}");

    [Fact]
    public void Seed1_Hampshire_Up23Point1Percent()
    {
        var f = Find(Seed().Forces, "hampshire", 2017);
        Assert.Equal(1199, f.Count);
        Assert.Equal(974, f.PreviousCount);
        AssertClose(225.0 / 974.0, f.Change!.Value.ToDouble());   // 0.231006…
        Assert.Equal("+23.1 %", f.Change!.Value.FormatSignedPercent());
    }

    [Fact]
    public void Seed2And3_UnitedKingdom_OneEvery23Point1Minutes_62Point3ADay()
    {
        var f = Find(Seed().National, "united-kingdom", 2017);
        Assert.Equal(22724, f.Count);
        Assert.Equal(365, f.Days);
        AssertClose(525600.0 / 22724.0, f.MinutesPerOffence!.Value.ToDouble()); // 23.1297…
        Assert.Equal("23.1", OffenceStatistics.FormatRate(f.MinutesPerOffence!.Value));
        AssertClose(22724.0 / 365.0, f.PerDay.ToDouble());                     // 62.2575…
        Assert.Equal("62.3", OffenceStatistics.FormatRate(f.PerDay));
    }

    [Fact]
    public void Seed4_Hampshire_MoreThanThreeADay()
    {
        var f = Find(Seed().Forces, "hampshire", 2017);
        AssertClose(1199.0 / 365.0, f.PerDay.ToDouble()); // 3.2849…
        Assert.Equal("3.28", OffenceStatistics.FormatRate(f.PerDay));
        Assert.True(f.PerDay.ToDouble() > 3);
    }

    [Fact]
    public void Seed5And6_UnitedKingdomAndBedfordshire_Changes()
    {
        var uk = Find(Seed().National, "united-kingdom", 2017);
        AssertClose(4202.0 / 18522.0, uk.Change!.Value.ToDouble()); // 0.226865…
        Assert.Equal("+22.7 %", uk.Change!.Value.FormatSignedPercent());
        var beds = Find(Seed().Forces, "bedfordshire", 2017);
        AssertClose(82.0 / 118.0, beds.Change!.Value.ToDouble());  // 0.694915…
        Assert.Equal("+69.5 %", beds.Change!.Value.FormatSignedPercent());
    }

    [Fact]
    public void Seed7_EnglandAndWales_LeapYear_105Point7ADay()
    {
        var f = Find(Seed().National, "england-and-wales", 2023);
        Assert.Equal(366, f.Days); // 29 February 2024 falls in 2023/24
        AssertClose(38685.0 / 366.0, f.PerDay.ToDouble()); // 105.6967…
        Assert.Equal("105.7", OffenceStatistics.FormatRate(f.PerDay));
        Assert.Null(f.Change);
    }

    [Fact]
    public void Falls_HertfordshireAndCambridgeshire()
    {
        Assert.Equal("-2.6 %", Find(Seed().Forces, "hertfordshire", 2017).Change!.Value.FormatSignedPercent());   // -8/309
        Assert.Equal("-21.5 %", Find(Seed().Forces, "cambridgeshire", 2017).Change!.Value.FormatSignedPercent()); // -45/209
    }

    [Theory]
    [InlineData(2016, 365)]
    [InlineData(2017, 365)]
    [InlineData(2018, 365)]
    [InlineData(2019, 366)]
    [InlineData(2023, 366)]
    [InlineData(2099, 365)] // 2100 is not a leap year
    public void FinancialYear_Days(int start, int days)
    {
        var y = new FinancialYear(start);
        Assert.Equal(days, y.Days);
        Assert.Equal(days * 1440L, y.Minutes);
        Assert.Equal(days, Enumerable.Range(1, 4).Sum(y.QuarterDays));
    }

    [Theory]
    [InlineData("2017/18", 2017)]
    [InlineData("2019-20", 2019)]
    [InlineData("2024_25", 2024)]
    [InlineData("1999/2000", 1999)]
    [InlineData("1999/00", 1999)]
    public void FinancialYear_Parse(string text, int start)
    {
        Assert.True(FinancialYear.TryParse(text, out var y));
        Assert.Equal(start, y.StartYear);
    }

    [Theory]
    [InlineData("2017/19")]
    [InlineData("2017")]
    [InlineData("17/18")]
    [InlineData("abcd/ef")]
    public void FinancialYear_RejectsNonsense(string text) => Assert.False(FinancialYear.TryParse(text, out _));

    [Fact]
    public void BareClass86_IsRefusedWithoutOverride()
    {
        var e = Assert.Throws<OffenceTableException>(() => OffenceStatistics.Summarise(OffenceTable.Load(Data("nspcc-foi-2016-2018.csv"))));
        Assert.Contains("--offence 86", e.Message, StringComparison.Ordinal);
        Assert.NotNull(Seed().Override);
    }

    [Fact]
    public void Quarterly_SumsIndecentImageCodes_ExcludesExtremePornography_MapsVariants()
    {
        var s = OffenceStatistics.Summarise(OffenceTable.Load(Data("synthetic-quarterly.csv")));
        Assert.Equal(["86/2", "86/10", "86/15"], s.OffenceCodes);
        // 2022/23: Q1 30+10+1, Q2 28+12+0, Q3 35+9+2, Q4 31+11+1 = 170 (the 86/11 rows, 5 and 4, are left out).
        var a22 = Find(s.Forces, "avon-and-somerset", 2022);
        Assert.Equal((170L, true, 365), (a22.Count, a22.Complete, a22.Days));
        // 2023/24: 52 + 43 + 50 + 53 = 198 over 366 days; change 28/170.
        var a23 = Find(s.Forces, "avon-and-somerset", 2023);
        Assert.Equal((198L, 366), (a23.Count, a23.Days));
        Assert.Equal("+16.5 %", a23.Change!.Value.FormatSignedPercent());
        Assert.Equal("0.54", OffenceStatistics.FormatRate(a23.PerDay));           // 198/366
        Assert.Equal("2661.8", OffenceStatistics.FormatRate(a23.MinutesPerOffence!.Value)); // 527040/198
        // 2024/25 has quarters 1 and 2 only: 91 + 92 days, not compared.
        var a24 = Find(s.Forces, "avon-and-somerset", 2024);
        Assert.Equal((104L, false, 183), (a24.Count, a24.Complete, a24.Days));
        Assert.Null(a24.Change);
        // "City of London" and "London, City of" are one force.
        var city = Find(s.Forces, "city-of-london", 2023);
        Assert.Equal((10L, 8L), (city.Count, city.PreviousCount));
        Assert.Equal("London, City of", city.ForceName);
        // National: no stated total in the file, so the sum of territorial forces.
        var n23 = Find(s.National, "territorial-forces", 2023);
        Assert.Equal((208L, 2, "sum"), (n23.Count, n23.ForcesIncluded, n23.Basis));
        Assert.Equal("+16.9 %", n23.Change!.Value.FormatSignedPercent()); // 30/178
        Assert.False(Find(s.National, "territorial-forces", 2024).Complete);
    }

    [Fact]
    public void ForceAndOffenceFilters()
    {
        var table = OffenceTable.Load(Data("synthetic-quarterly.csv"));
        var s = OffenceStatistics.Summarise(table, new OffenceQuery { Force = "Avon & Somerset", OffenceCodes = ["86/11"] });
        Assert.All(s.Forces, f => Assert.Equal("avon-and-somerset", f.ForceId));
        Assert.Equal(15, s.Forces.Sum(f => f.Count)); // 5 + 4 + 6
        Assert.Throws<OffenceTableException>(() => OffenceStatistics.Summarise(table, new OffenceQuery { Force = "Atlantis" }));
        var missing = Assert.Throws<OffenceTableException>(() => OffenceStatistics.Summarise(table, new OffenceQuery { OffenceCodes = ["99/9"] }));
        Assert.Contains("codes found: 86/10, 86/11, 86/15, 86/2", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Financial Year,Force Name,Offence Code\n2017/18,Kent,86/2\n", "required columns")]
    [InlineData("Financial Year,Force Name,Offence Code,Number of Offences\n2017/18,Gotham,86/2,3\n", "unknown force name \"Gotham\"")]
    [InlineData("Financial Year,Force Name,Offence Code,Number of Offences\n2017-19,Kent,86/2,3\n", "line 2: Financial Year")]
    [InlineData("Financial Year,Force Name,Offence Code,Number of Offences\n2017/18,Kent,86/2,-3\n", "not a whole number")]
    [InlineData("Financial Year,Force Name,Offence Code,Number of Offences\n2017/18,Kent,86/2,3\n2017/18,Kent,86/2,4\n", "repeats")]
    [InlineData("Financial Year,Financial Quarter,Force Name,Offence Code,Number of Offences\n2017/18,5,Kent,86/2,3\n", "Financial Quarter must be")]
    [InlineData("Financial Year,Force Name,Offence Code,Number of Offences\n\"2017/18,Kent,86/2,3\n", "not closed")]
    public void BadCsv_IsRejectedWithAReason(string csv, string expected)
    {
        var e = Assert.Throws<OffenceTableException>(() => OffenceTable.ReadCsv(new StringReader(csv), "t.csv"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonLine_CarriesExactAndDisplayedValues()
    {
        var s = Seed();
        using var doc = JsonDocument.Parse(OffenceStatistics.ToJsonLine(Find(s.Forces, "hampshire", 2017), s));
        var root = doc.RootElement;
        Assert.Equal("force", root.GetProperty("scope").GetString());
        Assert.Equal("2017/18", root.GetProperty("financialYear").GetString());
        Assert.Equal("225/974", root.GetProperty("changeExact").GetString());
        Assert.Equal("+23.1 %", root.GetProperty("changeDisplay").GetString());
        Assert.Equal("3.28", root.GetProperty("perDayDisplay").GetString());
        Assert.Equal("one every 438.4 minutes", root.GetProperty("oneEveryDisplay").GetString()); // 525600/1199 = 438.365…
        Assert.Equal("nspcc-foi-2016-2018.csv", root.GetProperty("source").GetString());
        Assert.True(root.TryGetProperty("override", out _));
    }

    [Fact]
    public void Charts_OnePerForceAndOneNationalTrend()
    {
        var charts = OffenceStatistics.Charts(Seed()).ToList();
        Assert.Equal(["force-bedfordshire.svg", "force-cambridgeshire.svg", "force-hampshire.svg", "force-hertfordshire.svg", "national-england-and-wales.svg", "national-united-kingdom.svg"],
            charts.Select(c => c.FileName).Order(StringComparer.Ordinal));
        var hampshire = charts.Single(c => c.FileName == "force-hampshire.svg").Svg;
        Assert.StartsWith("<?xml", hampshire, StringComparison.Ordinal);
        Assert.Contains("1,199", hampshire, StringComparison.Ordinal);
        Assert.Contains("2016/17", hampshire, StringComparison.Ordinal);
        Assert.Contains("<path", charts.Single(c => c.FileName == "national-united-kingdom.svg").Svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Ods_WithCoverSheetTitleRowsAndRepeatedCells_ReadsLikeCsv()
    {
        var csv = OffenceStatistics.Summarise(OffenceTable.Load(Data("synthetic-quarterly.csv")));
        var rows = File.ReadAllLines(Data("synthetic-quarterly.csv")).Skip(1)
            .Where(l => l.StartsWith("2023", StringComparison.Ordinal))
            .Select(l => OffenceTable.ReadCsv(new StringReader("Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,Offence Subgroup,Offence Code,Offence Count\n" + l + "\n"), "row").Rows[0])
            .ToList();
        using var ods = BuildOds(rows);
        var table = OffenceTable.ReadOds(ods, "test.ods");
        Assert.Equal(["Cover"], table.SheetsSkipped);
        var s = OffenceStatistics.Summarise(table);
        Assert.Equal(Find(csv.Forces, "avon-and-somerset", 2023).Count, Find(s.Forces, "avon-and-somerset", 2023).Count);
        Assert.Equal(Find(csv.Forces, "city-of-london", 2023).Count, Find(s.Forces, "city-of-london", 2023).Count);
    }

    [Fact]
    public void Ods_YearSheetWithoutColumns_IsRejected()
    {
        using var ods = Zip("""<table:table table:name="2019-20"><table:table-row><table:table-cell office:value-type="string"><text:p>Force</text:p></table:table-cell></table:table-row></table:table>""");
        var e = Assert.Throws<OffenceTableException>(() => OffenceTable.ReadOds(ods, "bad.ods"));
        Assert.Contains("sheet 2019-20", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotAnOds_IsRejected() =>
        Assert.Throws<OffenceTableException>(() => OffenceTable.ReadOds(new MemoryStream("plain text"u8.ToArray()), "x.ods"));

    private static MemoryStream BuildOds(List<OffenceRow> rows)
    {
        static string S(string s) => $"<table:table-cell office:value-type=\"string\"><text:p>{System.Net.WebUtility.HtmlEncode(s)}</text:p></table:table-cell>";
        static string N(long n) => $"<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>";
        const string Pad = "<table:table-cell table:number-columns-repeated=\"16000\"/>";
        var body = new StringBuilder();
        body.Append("<table:table table:name=\"Cover\"><table:table-row><table:table-cell office:value-type=\"string\"><text:p>Police recorded crime (test)</text:p></table:table-cell></table:table-row></table:table>");
        body.Append("<table:table table:name=\"2023_24\">");
        body.Append("<table:table-row>").Append(S("Table title row")).Append(Pad).Append("</table:table-row>");
        body.Append("<table:table-row table:number-rows-repeated=\"2\">").Append(Pad).Append("</table:table-row>");
        body.Append("<table:table-row>").Append(S("Financial Year")).Append(S("Financial Quarter")).Append(S("Force Name")).Append(S("Offence Description"))
            .Append("<table:table-cell table:number-columns-repeated=\"2\"/>").Append(S("Offence Code")).Append(S("Number of Offences")).Append(Pad).Append("</table:table-row>");
        foreach (var r in rows)
        {
            string force = r.Force.Id == "city-of-london" ? "City of London" : "Avon & Somerset";
            body.Append("<table:table-row>").Append(S("2023/24")).Append(N(r.Quarter!.Value)).Append(S(force)).Append(S(r.OffenceDescription))
                .Append("<table:table-cell table:number-columns-repeated=\"2\"/>").Append(S(r.OffenceCode)).Append(N(r.Count)).Append(Pad).Append("</table:table-row>");
        }
        body.Append("<table:table-row table:number-rows-repeated=\"1048000\">").Append(Pad).Append("</table:table-row>");
        body.Append("</table:table>");
        return Zip(body.ToString());
    }

    private static MemoryStream Zip(string tables)
    {
        string content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet>"
            + tables + "</office:spreadsheet></office:body></office:document-content>";
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var w = new StreamWriter(zip.CreateEntry("content.xml").Open(), new UTF8Encoding(false));
            w.Write(content);
        }
        stream.Position = 0;
        return stream;
    }
}
