namespace Dsl.Generator;

/// <summary>Names of the pipeline steps, so tests can assert which ones ran or were cached.</summary>
public static class TrackingNames
{
    public const string Files = nameof(Files);
    public const string Libraries = nameof(Libraries);
    public const string Compiled = nameof(Compiled);
    public const string ClassNames = nameof(ClassNames);
}
