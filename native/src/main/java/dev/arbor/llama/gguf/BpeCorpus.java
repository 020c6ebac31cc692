package dev.arbor.llama.gguf;

/**
 * The text that the byte-level BPE merges of {@link ByteLevelVocab} are learned from: plain
 * English sentences about the things Arbor's tests and demos prompt with (stories, trees, search,
 * greetings), and a little French, German, Spanish, Chinese and Japanese so that some merges join
 * multi-byte characters.
 *
 * <p>Written for Arbor and fixed: changing one character changes the merges, hence the vocabulary
 * and every qwen3 model file (their digests are pinned in tests).
 */
final class BpeCorpus {
    private BpeCorpus() {
    }

    static final String TEXT = """
            Once upon a time there was a king who lived in a big house by the sea.
            The king had a cat and a dog, and every day he would walk with them to the water.
            One day the king said to the cat: "Where is the dog? I have not seen him since the morning."
            The cat did not know, so the king went out to search for the dog.
            He looked in the house, in the tree by the door, and in the small boat on the sea.
            At last he found the dog under the old tree, asleep in the light of the sun.
            Hello world! How are you today? I am well, thank you, and how are you?
            Hello again, world. This is a story about a tree search that finds the best answer.
            A search starts at the root of the tree and looks at every branch in turn.
            Beam search keeps the best few branches at each step and drops the others.
            Best of n draws several samples and keeps the one with the highest score.
            The score of a sample is the mean log probability of its tokens.
            We go home when the sun goes down, and we come back when the night is over.
            The old man and the sea were friends for a long time, and the man told the sea his story.
            What do you think about the story? I think it is a good story, and a short one.
            There is more than one way to tell a story, and there is more than one way to search a tree.
            In the first year the tree was small; in the second year it was big; in the third year it was very big.
            She said that they would come at one or two, but they came at three.
            You can say what you like, but the king will do what he thinks is right.
            The water in the sea is blue, the light of the sun is warm, and the night is dark and long.
            Numbers: 1, 2, 3, 10, 20, 100, 2024, and 42.
            The children of a branch are the branches that grew from it, and the parent is the branch it grew from.
            When a branch is pruned, its children are pruned with it, and the memory they held is free again.
            A model reads the prompt, then writes one token at a time, and each token depends on the ones before it.
            The question was simple: which answer is the best one, and how do we know that it is?
            People often ask whether a bigger model is always better; the answer is that it depends on the question.
            My mother told me a story every night before I went to sleep, and I still remember most of them.
            The little bird sang in the morning, the farmer worked in the field, and the children played in the garden.
            It was a cold winter evening; the wind was strong, the snow was deep, and the fire in the house was bright.
            Please write a short poem about the moon, the stars and the quiet river that runs through the valley.
            Could you explain why the sky is blue and why the sunset is red? Thank you for your help.
            Here is a list of things to do today: read a book, write a letter, call a friend, and walk in the park.
            The first step is to think, the second step is to plan, and the last step is to do the work well.
            If you want to go far, go together; if you want to go fast, go alone. Both ways have their place.
            Once upon a time the story began again, and once upon a time it will end, as old stories do.
            Every story has a beginning, a middle and an end, and every good story has a surprise somewhere in it.
            Bonjour le monde! Le roi et le chat vont à la mer. Très bien, merci.
            Hallo Welt! Der König und die Katze gehen über die Straße. Schön, grüß dich.
            Hola mundo. El niño y la niña están en la playa. ¿Qué tal? Muy bien, gracias.
            你好，世界。我们在树下搜索。你好世界！
            こんにちは世界。木の下で探します。こんにちは！
            Good night, world 🌙 and good morning, sun 🌞. A tree 🌳 and a cat 🐱.
            """;
}
