using Latent.Data;

namespace Latent.Tests.Data;

public class CsvLoaderTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-csv-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private string Write(string text, string name = "data.csv")
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Dataset Load(string path, string labelColumn = "label") =>
        DatasetLoader.Load(new DataOptions { Path = path, LabelColumn = labelColumn, TestFraction = 0.25, Seed = 1 });

    private static LatentException Refused(string path, string labelColumn = "label") =>
        Assert.Throws<LatentException>(() => Load(path, labelColumn));

    private static float[] AllFeatures(Dataset data) =>
        data.Train.Features.data<float>().Concat(data.Test.Features.data<float>()).Order().ToArray();

    [Fact]
    public void IntegerLabelsAndNumericFeaturesLoadAsVectors()
    {
        var path = Write("x1,label,x2\n0.5,1,-1\n1.5,0,2e1\n2.5,2,3\n3.5,1,4\n");
        using var data = Load(path);
        Assert.Equal(new long[] { 3, 2 }, data.Train.Features.shape);
        Assert.Equal(new[] { -1f, 0.5f, 1.5f, 2.5f, 3f, 3.5f, 4f, 20f }, AllFeatures(data));
        Assert.Equal(3, data.ClassCount);
        var pairs = data.Train.Features.select(1, 0).data<float>().Zip(data.Train.Labels!.data<long>()).Concat(
            data.Test.Features.select(1, 0).data<float>().Zip(data.Test.Labels!.data<long>())).OrderBy(p => p.First);
        Assert.Equal(new[] { (0.5f, 1L), (1.5f, 0L), (2.5f, 2L), (3.5f, 1L) }, pairs.Select(p => (p.First, p.Second)));
    }

    [Fact]
    public void StringLabelsBecomeSortedClassNames()
    {
        var path = Write("height,species\n1,setosa\n2,virginica\n3,setosa\n4,versicolor\n");
        using var data = Load(path, "species");
        Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, data.ClassNames);
        Assert.Equal(3, data.ClassCount);
        var byHeight = data.Train.Features.data<float>().Zip(data.Train.Labels!.data<long>())
            .Concat(data.Test.Features.data<float>().Zip(data.Test.Labels!.data<long>())).OrderBy(p => p.First).Select(p => p.Second);
        Assert.Equal(new long[] { 0, 2, 0, 1 }, byHeight);
    }

    [Fact]
    public void TsvFilesAreTabSeparated()
    {
        var path = Write("a\tb\tlabel\n1\t2\t0\n3\t4\t1\n5\t6\t1\n7\t8\t0\n", "data.tsv");
        using var data = Load(path);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, AllFeatures(data));
    }

    [Fact]
    public void TheDelimiterIsDetectedFromTheHeader()
    {
        var path = Write("a;b;label\n1;2;0\n3;4;1\n5;6;1\n7;8;0\n");
        using var data = Load(path);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, AllFeatures(data));
    }

    [Fact]
    public void QuotedCellsAndWindowsLineEndingsAreRead()
    {
        var path = Write("\"a\",\"b\",\"label\"\r\n\"1\",2,\"cat\"\r\n3,4,dog\r\n5,6,cat\r\n7,8,dog\r\n");
        using var data = Load(path);
        Assert.Equal(new[] { "cat", "dog" }, data.ClassNames);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, AllFeatures(data));
    }

    [Fact]
    public void LabelColumnNoneOrAbsentReadsUnlabelledData()
    {
        var path = Write("a,label\n1,2\n3,4\n5,6\n7,8\n");
        using (var none = Load(path, "none"))
        {
            Assert.False(none.IsLabelled);
            Assert.Equal(2, none.FeatureCount);
        }
        using var absent = Load(path, "target");
        Assert.False(absent.IsLabelled);
        Assert.Equal(2, absent.FeatureCount);
    }

    [Fact]
    public void IntegralDecimalLabelsAreIntegers()
    {
        using var data = Load(Write("a,label\n1,0.0\n2,1.0\n3,2\n4,1\n"));
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(new[] { "0", "1", "2" }, data.ClassNames);
    }

    [Fact]
    public void RaggedRowsAreRefusedNamingTheRow()
    {
        var e = Refused(Write("a,b,label\n1,2,0\n3,4\n"));
        Assert.Contains("data.csv: row 2 (line 3) has 2 fields but the header has 3", e.Message);
    }

    [Fact]
    public void NonNumericCellsAreRefusedNamingRowAndColumn()
    {
        var e = Refused(Write("a,b,label\n1,2,0\n3,four,1\n"));
        Assert.Contains("data.csv: row 2 (line 3), column 'b': 'four' is not a number", e.Message);
        Assert.Contains("row 1 (line 2), column 'a': '' is not a number", Refused(Write("a,b,label\n,2,0\n")).Message);
    }

    [Fact]
    public void NaNAndInfiniteFeaturesAreRefusedNamingRowAndColumn()
    {
        Assert.Contains("row 2 (line 3), column 'b': 'NaN' is not a finite number", Refused(Write("a,b,label\n1,2,0\n3,NaN,1\n")).Message);
        Assert.Contains("row 1 (line 2), column 'a': '1e400' is not a finite number", Refused(Write("a,b,label\n1e400,2,0\n")).Message);
    }

    [Fact]
    public void BadLabelsAreRefusedNamingTheRow()
    {
        Assert.Contains("row 2, column 'label': label '1.5' is not an integer", Refused(Write("a,label\n1,0\n2,1.5\n3,1\n")).Message);
        Assert.Contains("row 3, column 'label': label '-1' is negative", Refused(Write("a,label\n1,0\n2,1\n3,-1\n")).Message);
        Assert.Contains("row 2 (line 3), column 'label': empty label", Refused(Write("a,label\n1,0\n2,\n")).Message);
        Assert.Contains("label 250000 is implausibly large", Refused(Write("a,label\n1,0\n2,250000\n3,1\n4,1\n")).Message);
    }

    [Fact]
    public void EmptyFilesAndFilesWithoutDataAreRefused()
    {
        Assert.Contains("data.csv: empty file", Refused(Write("")).Message);
        Assert.Contains("data.csv: no data rows after the header", Refused(Write("a,b,label\n")).Message);
        Assert.Contains("no feature columns besides the label column 'label'", Refused(Write("label\n1\n2\n")).Message);
    }

    [Fact]
    public void TestFileLabelsOfAnotherKindAreRefused()
    {
        var train = Write("a,label\n1,cat\n2,dog\n", "train.csv");
        var test = Write("a,label\n1,0\n", "test.csv");
        var e = Assert.Throws<LatentException>(() => DatasetLoader.Load(new DataOptions { Path = train, TestPath = test }));
        Assert.Contains("the training labels are class names but the test labels are integers", e.Message);
    }

    [Fact]
    public void ClassNamesSpanTrainingAndTestFiles()
    {
        var train = Write("a,label\n1,cat\n2,dog\n", "train.csv");
        var test = Write("a,label\n3,ant\n4,dog\n", "test.csv");
        using var data = DatasetLoader.Load(new DataOptions { Path = train, TestPath = test });
        Assert.Equal(new[] { "ant", "cat", "dog" }, data.ClassNames);
        Assert.Equal(new long[] { 1, 2 }, data.Train.Labels!.data<long>().ToArray());
        Assert.Equal(new long[] { 0, 2 }, data.Test.Labels!.data<long>().ToArray());
    }
}
