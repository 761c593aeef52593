using System;
using System.IO;
using System.Text.Json;
using Dsl.Runtime.Data;

namespace Dsl.Runtime.Training;

/// <summary>
/// A finished run's result kept as JSON, so a rerun (or another process working through the same
/// list) skips it: comparisons over several seeds or methods can be resumed and split up.
/// </summary>
public static class KeptResult
{
    /// <summary>The result kept at <paramref name="path"/>, or <paramref name="run"/>'s, written there first.</summary>
    /// <exception cref="DataFormatException">The file exists but holds no such result; it is left as it is.</exception>
    public static T GetOrRun<T>(string path, Func<T> run) where T : class
    {
        if (File.Exists(path))
        {
            try
            {
                return JsonSerializer.Deserialize<T>(File.ReadAllText(path)) ?? throw new JsonException("the file holds null");
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, $"not a kept {typeof(T).Name} ({e.Message}); delete it to run again");
            }
        }
        var result = run();
        // Written beside and moved, so an interrupted write never leaves half a result.
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(result));
        File.Move(temporary, path, overwrite: true);
        return result;
    }
}
