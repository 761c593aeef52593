using System;

namespace Dsl.Runtime.Data;

/// <summary>A data, weight or checkpoint file that cannot be read; the message names the file.</summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string path, string problem)
        : base($"{path}: {problem}") => Path = path;

    public string Path { get; }
}
