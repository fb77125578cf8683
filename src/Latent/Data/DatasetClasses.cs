namespace Latent.Data;

/// <summary>Narrows a labelled data set to some of its classes.</summary>
public static class DatasetClasses
{
    /// <summary>The examples of the first <paramref name="classes"/> classes only (labels 0..classes−1 kept, both parts, copies), with their names.</summary>
    public static Dataset FirstClasses(this Dataset data, int classes)
    {
        if (classes < 1 || classes > data.ClassCount) throw new LatentException($"{data.Source}: cannot keep the first {classes} of {data.ClassCount} classes");
        DataPart Keep(DataPart part)
        {
            using var rows = part.RequireLabels("choosing classes").lt(classes).nonzero().squeeze(1);
            return part.Select(rows);
        }
        return new Dataset(Keep(data.Train), Keep(data.Test), classes, data.ClassNames.Take(classes).ToArray(), data.Source, data.Standardization, data.Provenance);
    }
}
